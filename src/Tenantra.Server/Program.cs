using Tenantra.Server.Cli;

return await TenantraCli.RunAsync(args);

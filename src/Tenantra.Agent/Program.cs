return Tenantra.Agent.AgentCli.Run(args);

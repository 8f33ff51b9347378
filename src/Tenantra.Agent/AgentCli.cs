namespace Tenantra.Agent;

/// <summary>The agent's commands: enroll, run, collect --print, status.</summary>
public static class AgentCli
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("tenantra-agent: commands are being built (enroll, run, collect --print, status).");
        return args.Length == 0 ? 2 : 2;
    }
}

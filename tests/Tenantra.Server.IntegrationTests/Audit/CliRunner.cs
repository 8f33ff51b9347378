using Spectre.Console;
using Tenantra.Server.Cli;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>
/// Runs the server binary's commands in-process exactly as an operator runs them: settings as
/// <c>--Key=value</c> tokens (those of <c>database</c>, when given), output captured. Commands share
/// Spectre's process-wide console, so test classes using this join the <see cref="CliCollection"/>
/// (run one after another).
/// </summary>
public static class CliRunner
{
    /// <summary>Runs the CLI with <paramref name="command"/> pointed at <paramref name="database"/>, capturing what it prints.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TestDatabase? database, params string[] command)
    {
        string[] args =
        [
            .. command,
            .. (database?.Settings() ?? []).Select(s => $"--{s.Key}={s.Value}"),
            "--Tenantra:Identity:PasswordIterations=1000",
            "--Logging:LogLevel:Default=Warning",
        ];
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 400;
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = console;
        try
        {
            var exitCode = await TenantraCli.RunAsync(args);
            return (exitCode, $"exit {exitCode}:\n{output}");
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection
{
    public const string Name = "CLI";
}

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>The layouts of crontab-like files.</summary>
internal enum CrontabFormat
{
    /// <summary>/etc/crontab and /etc/cron.d: five time fields (or @keyword), the user, the command.</summary>
    System,

    /// <summary>A user's spool file: five time fields (or @keyword), the command; the user is the file's name.</summary>
    User,

    /// <summary>/etc/anacrontab: period in days (or @keyword), delay in minutes, job identifier, command.</summary>
    Anacron,
}

/// <summary>One scheduled command. <see cref="Schedule"/> is the time fields joined by single spaces.</summary>
internal sealed record CronJob(string Schedule, string User, string Command, string? JobIdentifier);

/// <summary>An environment assignment (<c>MAILTO=ops</c>) that applies to the jobs after it.</summary>
internal sealed record CronEnvironmentSetting(string Name, string Value);

/// <summary>What a crontab-like file holds; <see cref="UnparsedLines"/> are 1-based line numbers of lines that are neither.</summary>
internal sealed record CrontabContent(List<CronJob> Jobs, List<CronEnvironmentSetting> Environment, List<int> UnparsedLines);

/// <summary>
/// Parses crontab, cron.d, spool and anacrontab files. Comments and blank lines are skipped; a
/// line starting with a digit, <c>*</c> or <c>@</c> is a job, any other line with <c>=</c> is an
/// environment assignment (quotes around the value removed), as cron itself decides.
/// </summary>
internal static class CrontabParser
{
    private static readonly char[] s_blanks = [' ', '\t'];

    /// <summary>Parses one file; <paramref name="spoolUser"/> is the owner of a <see cref="CrontabFormat.User"/> file (anacron jobs run as root).</summary>
    public static CrontabContent Parse(string text, CrontabFormat format, string spoolUser)
    {
        var content = new CrontabContent([], [], []);
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (char.IsAsciiDigit(line[0]) || line[0] is '*' or '@')
            {
                if (ParseJob(line, format, spoolUser) is { } job)
                {
                    content.Jobs.Add(job);
                    continue;
                }
            }
            else if (line.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
            {
                content.Environment.Add(new CronEnvironmentSetting(line[..equals].Trim(), Unquote(line[(equals + 1)..].Trim())));
                continue;
            }

            content.UnparsedLines.Add(index + 1);
        }

        return content;
    }

    private static CronJob? ParseJob(string line, CrontabFormat format, string spoolUser)
    {
        var timeFields = format switch
        {
            CrontabFormat.Anacron => 2,
            _ when line.StartsWith('@') => 1,
            _ => 5,
        };
        var userFields = format == CrontabFormat.System ? 1 : 0;
        var jobFields = format == CrontabFormat.Anacron ? 1 : 0;
        var tokens = line.Split(s_blanks, timeFields + userFields + jobFields + 1, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != timeFields + userFields + jobFields + 1)
        {
            return null;
        }

        var schedule = string.Join(' ', tokens[..timeFields]);
        var user = format switch
        {
            CrontabFormat.System => tokens[timeFields],
            CrontabFormat.Anacron => "root",
            _ => spoolUser,
        };
        var jobIdentifier = format == CrontabFormat.Anacron ? tokens[timeFields] : null;
        return new CronJob(schedule, user, tokens[^1].Trim(), jobIdentifier);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value;
}

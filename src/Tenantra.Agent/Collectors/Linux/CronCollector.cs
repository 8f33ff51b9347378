using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// cron and anacron: every job ("cron-entry") and environment assignment ("cron-env") of
/// /etc/crontab, /etc/cron.d/*, the user spools (/var/spool/cron/crontabs/* and
/// /var/spool/cron/*, the user being the file name) and /etc/anacrontab, and the scripts run-parts
/// starts from /etc/cron.{hourly,daily,weekly,monthly} ("cron-script", keyed by path, with sha256,
/// size, mode and owner uid).
/// A job's key is "&lt;source path&gt;:&lt;schedule&gt; &lt;user&gt; &lt;command&gt;" (anacron adds the job
/// identifier before the command), the line's content with blanks normalized and secrets masked:
/// it does not change when other lines move, and a changed line is a removed entry plus an added
/// one. A second identical line in one file gets " #2". An environment key is
/// "&lt;source path&gt;:&lt;name&gt;"; its value is masked when the name marks a secret.
/// </summary>
public sealed class CronCollector : ICollector
{
    private static readonly string[] s_runPartsDirectories = ["/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly"];

    public string Category => SnapshotCategories.Scheduled;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var entries = new List<SnapshotEntry>();
        AddCrontab(context, "/etc/crontab", CrontabFormat.System, entries);
        foreach (var path in DirectoryListing.FilesIn(context, "/etc/cron.d"))
        {
            AddCrontab(context, path, CrontabFormat.System, entries);
        }

        foreach (var spool in (string[])["/var/spool/cron/crontabs", "/var/spool/cron"])
        {
            foreach (var path in DirectoryListing.FilesIn(context, spool))
            {
                AddCrontab(context, path, CrontabFormat.User, entries);
            }
        }

        AddCrontab(context, "/etc/anacrontab", CrontabFormat.Anacron, entries);
        foreach (var directory in s_runPartsDirectories)
        {
            foreach (var path in DirectoryListing.FilesIn(context, directory))
            {
                if (FileFingerprint.Read(context, path) is { } fields)
                {
                    entries.Add(new SnapshotEntry("cron-script", path, fields));
                }
            }
        }

        return entries;
    }

    private static void AddCrontab(CollectionContext context, string source, CrontabFormat format, List<SnapshotEntry> entries)
    {
        if (context.ReadTextIfPresent(source) is not { } text)
        {
            return;
        }

        var content = CrontabParser.Parse(text, format, spoolUser: Path.GetFileName(source));
        if (content.UnparsedLines.Count > 0)
        {
            context.Problems.Add($"{source}: lines not understood: {string.Join(", ", content.UnparsedLines)}");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in content.Jobs)
        {
            var command = SnapshotLimits.FitValue(SecretMasker.MaskText(job.Command));
            var identity = job.JobIdentifier is null
                ? $"{job.Schedule} {job.User} {command}"
                : $"{job.Schedule} {job.User} {job.JobIdentifier} {command}";
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["source"] = source,
                ["schedule"] = job.Schedule,
                ["user"] = job.User,
                ["command"] = command,
            };
            if (job.JobIdentifier is not null)
            {
                fields["job"] = job.JobIdentifier;
            }

            entries.Add(new SnapshotEntry("cron-entry", SnapshotLimits.DistinctKey(SnapshotLimits.FitKey($"{source}:{identity}"), keys), fields));
        }

        foreach (var setting in content.Environment)
        {
            entries.Add(new SnapshotEntry("cron-env", SnapshotLimits.DistinctKey(SnapshotLimits.FitKey($"{source}:{setting.Name}"), keys), new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["source"] = source,
                ["name"] = setting.Name,
                ["value"] = MaskAssignment(setting.Name, setting.Value),
            }));
        }
    }

    /// <summary>
    /// The whole value when its name marks a secret (DB_PASSWORD, API_TOKEN… as the masker would
    /// see them in "NAME=value"), otherwise the value with embedded secrets (URL credentials) masked.
    /// </summary>
    private static string MaskAssignment(string name, string value)
    {
        var probe = name + "=x";
        return SecretMasker.IsSecretName(name) || SecretMasker.MaskText(probe) != probe ? SecretMasker.Mask : SecretMasker.MaskText(value);
    }
}

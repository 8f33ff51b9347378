using System.Xml;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// Scheduled tasks from the task files under C:\Windows\System32\Tasks (read through the context
/// root, recursively, hidden files included): kind "scheduled-task" keyed by the task path
/// (RegistrationInfo/URI, else the file's path below the tasks folder, like
/// <c>\Microsoft\Windows\Defrag\ScheduledDefrag</c>), with file, author, description, enabled,
/// hidden, userId, groupId, runLevel, logonType, triggers and actions (one per line, see
/// <see cref="ScheduledTaskXml.Parse"/>). A file that is not a readable task, is too large or
/// carries a DTD is reported as a problem and skipped.
/// </summary>
public sealed class ScheduledTaskCollector : ICollector
{
    public const string Kind = "scheduled-task";
    public const string TasksFolder = "/Windows/System32/Tasks";

    public string Category => SnapshotCategories.Scheduled;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var entries = new List<SnapshotEntry>();
        var folder = context.PathOf(TasksFolder);
        if (!Directory.Exists(folder))
        {
            return entries;
        }

        var files = ListFiles(folder, context);
        var tasks = new List<(string Relative, ScheduledTaskDefinition Task)>();
        foreach (var file in files)
        {
            var relative = WindowsPaths.BelowFolder(folder, file);
            if (Read(file, relative, context) is { } task)
            {
                tasks.Add((relative, task));
            }
        }

        // A task's path is its URI. When two files claim the same URI, the one stored under that
        // path keeps it and the other is keyed by its own file path (and reported): two entries
        // must never share a key.
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (relative, _) in tasks)
        {
            keys.Add(relative);
        }

        foreach (var (relative, task) in tasks)
        {
            var key = relative;
            if (task.Uri is { } uri && !uri.Equals(relative, StringComparison.OrdinalIgnoreCase))
            {
                if (keys.Add(uri))
                {
                    key = uri;
                }
                else
                {
                    context.Problems.Add($"{Category}: {relative}: task path {uri} is already used by another file; keyed by its file path instead");
                }
            }

            entries.Add(new SnapshotEntry(Kind, key, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["file"] = relative,
                ["author"] = task.Author,
                ["description"] = task.Description,
                ["enabled"] = task.Enabled ? "true" : "false",
                ["hidden"] = task.Hidden ? "true" : "false",
                ["userId"] = task.UserId,
                ["groupId"] = task.GroupId,
                ["runLevel"] = task.RunLevel,
                ["logonType"] = task.LogonType,
                ["triggers"] = string.Join('\n', task.Triggers),
                ["actions"] = string.Join('\n', task.Actions),
            }));
        }

        return entries;
    }

    /// <summary>Every file below the folder, in a stable order; a folder that cannot be listed is a problem, and reparse points are not followed.</summary>
    private List<string> ListFiles(string folder, CollectionContext context)
    {
        var files = new List<string>();
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var directory))
        {
            try
            {
                files.AddRange(Directory.EnumerateFiles(directory, "*", WindowsPaths.AllEntries()));
                foreach (var child in Directory.EnumerateDirectories(directory, "*", WindowsPaths.AllEntries()))
                {
                    if (!new DirectoryInfo(child).Attributes.HasFlag(FileAttributes.ReparsePoint))
                    {
                        pending.Push(child);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Problems.Add($"{Category}: {WindowsPaths.BelowFolder(folder, directory)}: {e.Message}");
            }
        }

        files.Sort(StringComparer.OrdinalIgnoreCase);
        return files;
    }

    private ScheduledTaskDefinition? Read(string file, string relative, CollectionContext context)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > ScheduledTaskXml.MaxBytes)
            {
                context.Problems.Add($"{Category}: {relative}: {stream.Length} bytes, more than a task file can be ({ScheduledTaskXml.MaxBytes}); not read");
                return null;
            }

            return ScheduledTaskXml.Parse(stream);
        }
        catch (XmlException e)
        {
            // Malformed, carrying a DTD, or too long: the position helps where messages are trimmed to resource keys.
            context.Problems.Add($"{Category}: {relative}: refused XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}");
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            context.Problems.Add($"{Category}: {relative}: {e.Message}");
            return null;
        }
    }
}

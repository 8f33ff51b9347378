using System.Globalization;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>Reading /proc of the collected system, where processes come and go while it is read.</summary>
internal static class ProcFileSystem
{
    /// <summary>The numeric directories of /proc, in ascending order.</summary>
    public static List<int> ProcessIds(CollectionContext context)
    {
        var ids = new List<int>();
        var proc = context.PathOf("/proc");
        if (!Directory.Exists(proc))
        {
            return ids;
        }

        foreach (var directory in Directory.EnumerateDirectories(proc))
        {
            if (int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                ids.Add(pid);
            }
        }

        ids.Sort();
        return ids;
    }

    /// <summary>A /proc file, or null without a problem: processes exit and hide their files from other users all the time.</summary>
    public static string? ReadQuietly(CollectionContext context, string absolutePath)
    {
        try
        {
            return File.ReadAllText(context.PathOf(absolutePath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

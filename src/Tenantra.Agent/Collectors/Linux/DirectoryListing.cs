namespace Tenantra.Agent.Collectors.Linux;

/// <summary>Listing directories of the collected system in a stable order.</summary>
internal static class DirectoryListing
{
    /// <summary>
    /// Absolute paths (as seen by the collected system) of the files directly in a directory, sorted
    /// ordinally, skipping hidden names (run-parts and cron ignore them, and packages leave
    /// ".placeholder" files there). Empty when the directory does not exist.
    /// </summary>
    public static List<string> FilesIn(CollectionContext context, string absoluteDirectory) =>
        NamesIn(context, absoluteDirectory, directories: false);

    /// <summary>Like <see cref="FilesIn"/>, for subdirectories.</summary>
    public static List<string> DirectoriesIn(CollectionContext context, string absoluteDirectory) =>
        NamesIn(context, absoluteDirectory, directories: true);

    private static List<string> NamesIn(CollectionContext context, string absoluteDirectory, bool directories)
    {
        var directory = context.PathOf(absoluteDirectory);
        var paths = new List<string>();
        if (!Directory.Exists(directory))
        {
            return paths;
        }

        var prefix = absoluteDirectory.TrimEnd('/') + "/";
        try
        {
            var entries = directories ? Directory.EnumerateDirectories(directory) : Directory.EnumerateFiles(directory);
            foreach (var entry in entries)
            {
                var name = Path.GetFileName(entry);
                if (!name.StartsWith('.'))
                {
                    paths.Add(prefix + name);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Problems.Add($"{absoluteDirectory}: {e.Message}");
        }

        paths.Sort(StringComparer.Ordinal);
        return paths;
    }
}

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// Follows symbolic links as the collected system would: an absolute target is a path of that
/// system, so under a test root it stays inside the root instead of escaping to the real files.
/// </summary>
internal static class SymbolicLinks
{
    private const int MaxHops = 16;

    /// <summary>The link's own target text, or null when the path is not a symbolic link.</summary>
    public static string? TargetOf(CollectionContext context, string absolutePath)
    {
        try
        {
            return new FileInfo(context.PathOf(absolutePath)).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The absolute path (of the collected system) that <paramref name="absolutePath"/> finally designates.</summary>
    public static string Resolve(CollectionContext context, string absolutePath)
    {
        var path = absolutePath;
        for (var hop = 0; hop < MaxHops && TargetOf(context, path) is { } target; hop++)
        {
            path = target.StartsWith('/') ? target : Path.GetFullPath(Path.Join(Path.GetDirectoryName(path), target));
        }

        return path;
    }
}

namespace Tenantra.Agent.Collectors;

/// <summary>
/// Reading a file of the collected system the way every collector wants: a missing file is simply
/// absent (null, nothing recorded), any other failure is recorded in
/// <see cref="CollectionContext.Problems"/> and also gives null.
/// </summary>
internal static class CollectionContextReads
{
    public static string? ReadTextIfPresent(this CollectionContext context, string absolutePath) =>
        Read(context, absolutePath, File.ReadAllText);

    public static byte[]? ReadBytesIfPresent(this CollectionContext context, string absolutePath) =>
        Read(context, absolutePath, File.ReadAllBytes);

    private static T? Read<T>(CollectionContext context, string absolutePath, Func<string, T> read)
        where T : class
    {
        try
        {
            return read(context.PathOf(absolutePath));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Problems.Add($"{absolutePath}: {e.Message}");
            return null;
        }
    }
}

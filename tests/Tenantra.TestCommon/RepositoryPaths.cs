namespace Tenantra.TestCommon;

/// <summary>Files of the checkout the tests run from (found by walking up to <c>Tenantra.slnx</c>).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] relative) => Path.Combine([Root, .. relative]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tenantra.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Tenantra.slnx above {AppContext.BaseDirectory}.");
    }
}

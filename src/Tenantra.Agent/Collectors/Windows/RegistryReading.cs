using System.Security;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>Opening keys for a collector: a key that cannot be read becomes a problem, never an exception.</summary>
internal static class RegistryReading
{
    public static RegistryKeyView? TryOpen(IRegistrySource registry, string path, CollectionContext context, string category)
    {
        try
        {
            return registry.OpenKey(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or SecurityException or IOException)
        {
            context.Problems.Add($"{category}: {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// The roots of the user hives to read: HKCU and every profile loaded under HKU (by SID), leaving
    /// out the <c>_Classes</c> hives and <c>.DEFAULT</c> (the LocalSystem profile, also loaded as S-1-5-18).
    /// </summary>
    public static List<string> UserRoots(IRegistrySource registry, CollectionContext context, string category)
    {
        var roots = new List<string> { "HKCU" };
        if (TryOpen(registry, "HKU", context, category) is { } users)
        {
            foreach (var sid in users.SubKeyNames)
            {
                if (!sid.EndsWith("_Classes", StringComparison.OrdinalIgnoreCase) && !sid.Equals(".DEFAULT", StringComparison.OrdinalIgnoreCase))
                {
                    roots.Add("HKU\\" + sid);
                }
            }
        }

        return roots;
    }
}

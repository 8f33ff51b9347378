using System.Runtime.InteropServices;

namespace Tenantra.Agent.Runtime;

/// <summary>
/// The agent works for a second and then idles for minutes: after each burst it hands back what the
/// burst used — a compacting collection that returns the managed heap's free memory, and on glibc
/// <c>malloc_trim</c> for the native heap that the runtime, the JIT and OpenSSL allocated from.
/// </summary>
internal static partial class MemoryRelief
{
    public static void AfterWork()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to trim this way.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int MallocTrim(nuint pad);
}

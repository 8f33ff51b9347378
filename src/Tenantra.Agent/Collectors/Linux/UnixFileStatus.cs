using System.Runtime.InteropServices;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// The parts of a file's status the collectors need and .NET does not expose (owner, device, inode),
/// read with <c>statx(2)</c>, whose buffer has the same layout on every architecture. Symbolic links
/// are followed, so a <c>/proc/&lt;pid&gt;/exe</c> link describes the executable it points to.
/// </summary>
internal readonly record struct UnixFileStatus(ulong Device, ulong Inode, uint Uid, uint Mode, long Size, long ModifiedSeconds, uint ModifiedNanoseconds)
{
    /// <summary>Permission bits with setuid, setgid and sticky, as four octal digits ("0755").</summary>
    public string OctalPermissions => Convert.ToString(Mode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>The status of <paramref name="path"/>, or null when it cannot be read (missing, no permission, no statx in the C library).</summary>
    public static UnixFileStatus? Read(string path)
    {
        StatxBuffer buffer;
        try
        {
            if (NativeMethods.Statx(AtCurrentDirectory, path, 0, StatxBasicStats, out buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }

        var device = ((ulong)buffer.DeviceMajor << 32) | buffer.DeviceMinor;
        return new UnixFileStatus(device, buffer.Inode, buffer.Uid, buffer.Mode, (long)buffer.Size, buffer.ModifiedSeconds, buffer.ModifiedNanoseconds);
    }

    private const int AtCurrentDirectory = -100;
    private const uint StatxBasicStats = 0x7FF;

    /// <summary>struct statx from linux/stat.h (256 bytes, identical on every architecture).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long ModifiedSeconds;
        [FieldOffset(120)] public uint ModifiedNanoseconds;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
    }
}

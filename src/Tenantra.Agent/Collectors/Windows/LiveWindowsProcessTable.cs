using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Principal;
using Microsoft.Win32.SafeHandles;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// The processes of this Windows machine: the list and start times from
/// <see cref="Process.GetProcesses()"/>, parent ids from a Toolhelp snapshot, and, for each process
/// that can be opened with PROCESS_QUERY_LIMITED_INFORMATION, the executable path
/// (QueryFullProcessImageName), the command line (NtQueryInformationProcess,
/// ProcessCommandLineInformation, Windows 8.1 and later) and the owner account (the token's user).
/// Protected processes give what can be read and leave the rest null.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed partial class LiveWindowsProcessTable : IProcessTable
{
    private const uint ProcessQueryLimitedInformation = 0x1000;
    private const uint TokenQuery = 0x0008;
    private const int TokenUserClass = 1;
    private const int ProcessCommandLineInformation = 60;
    private const uint SnapshotProcesses = 0x2;
    private const int MaxCommandLineBytes = 1024 * 1024;

    // Account names by SID, kept across collections: a domain lookup can be slow.
    private readonly Dictionary<string, string> _accounts = new(StringComparer.Ordinal);

    public IReadOnlyList<ProcessRecord> Read(List<string> problems)
    {
        var parents = ReadParents(problems);
        var records = new List<ProcessRecord>();
        var imageBuffer = new char[32_768];
        foreach (var process in Process.GetProcesses())
        {
            using (process)
            {
                var pid = process.Id;
                string? executable = null, commandLine = null, user = null;
                using (var handle = OpenProcess(ProcessQueryLimitedInformation, inheritHandle: false, pid))
                {
                    if (!handle.IsInvalid)
                    {
                        executable = ImagePath(handle, imageBuffer);
                        commandLine = CommandLine(handle);
                        user = Owner(handle);
                    }
                }

                records.Add(new ProcessRecord(
                    pid,
                    parents.TryGetValue(pid, out var parent) ? parent : null,
                    process.ProcessName,
                    executable,
                    commandLine,
                    user,
                    StartTime(process)));
            }
        }

        return records;
    }

    private static DateTimeOffset? StartTime(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or NotSupportedException)
        {
            return null; // the Idle and System processes, and protected ones
        }
    }

    private static unsafe Dictionary<int, int> ReadParents(List<string> problems)
    {
        var parents = new Dictionary<int, int>();
        using var snapshot = CreateToolhelp32Snapshot(SnapshotProcesses, 0);
        if (snapshot.IsInvalid)
        {
            problems.Add($"parent process ids: Toolhelp snapshot failed (error {Marshal.GetLastPInvokeError()})");
            return parents;
        }

        var entry = new ProcessEntry32 { Size = (uint)sizeof(ProcessEntry32) };
        for (var more = Process32First(snapshot, &entry); more; more = Process32Next(snapshot, &entry))
        {
            parents[(int)entry.ProcessId] = (int)entry.ParentProcessId;
        }

        return parents;
    }

    private static unsafe string? ImagePath(SafeProcessHandle handle, char[] buffer)
    {
        fixed (char* text = buffer)
        {
            var size = buffer.Length;
            return QueryFullProcessImageName(handle, 0, text, ref size) ? new string(text, 0, size) : null;
        }
    }

    private static string? CommandLine(SafeProcessHandle handle)
    {
        _ = NtQueryInformationProcess(handle, ProcessCommandLineInformation, IntPtr.Zero, 0, out var needed);
        if (needed <= 0 || needed > MaxCommandLineBytes)
        {
            return null;
        }

        var buffer = Marshal.AllocHGlobal(needed);
        try
        {
            if (NtQueryInformationProcess(handle, ProcessCommandLineInformation, buffer, needed, out _) != 0)
            {
                return null;
            }

            // The buffer starts with a UNICODE_STRING: ushort Length (bytes), ushort MaximumLength,
            // then the pointer to the text (aligned to the pointer size) inside the same buffer.
            var length = (ushort)Marshal.ReadInt16(buffer);
            var text = Marshal.ReadIntPtr(buffer, IntPtr.Size);
            return length == 0 || text == IntPtr.Zero ? null : Marshal.PtrToStringUni(text, length / 2);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    private string? Owner(SafeProcessHandle handle)
    {
        if (!OpenProcessToken(handle, TokenQuery, out var token))
        {
            token.Dispose();
            return null;
        }

        using (token)
        {
            _ = GetTokenInformation(token, TokenUserClass, IntPtr.Zero, 0, out var needed);
            if (needed <= 0)
            {
                return null;
            }

            var buffer = Marshal.AllocHGlobal(needed);
            try
            {
                if (!GetTokenInformation(token, TokenUserClass, buffer, needed, out _))
                {
                    return null;
                }

                // TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first field is the SID pointer.
                var sid = new SecurityIdentifier(Marshal.ReadIntPtr(buffer));
                return AccountName(sid);
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }

    private string AccountName(SecurityIdentifier sid)
    {
        var key = sid.Value;
        if (_accounts.TryGetValue(key, out var name))
        {
            return name;
        }

        try
        {
            name = sid.Translate(typeof(NTAccount)).Value;
        }
        catch (SystemException)
        {
            name = key; // IdentityNotMappedException, or the lookup failed: the SID stands in
        }

        _accounts[key] = name;
        return name;
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial SafeProcessHandle OpenProcess(uint desiredAccess, [MarshalAs(UnmanagedType.Bool)] bool inheritHandle, int processId);

    [LibraryImport("kernel32.dll", EntryPoint = "QueryFullProcessImageNameW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool QueryFullProcessImageName(SafeProcessHandle process, uint flags, char* exeName, ref int size);

    [LibraryImport("ntdll.dll")]
    private static partial int NtQueryInformationProcess(SafeProcessHandle process, int processInformationClass, IntPtr processInformation, int processInformationLength, out int returnLength);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool OpenProcessToken(SafeProcessHandle process, uint desiredAccess, out SafeKernelHandle token);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetTokenInformation(SafeKernelHandle token, int tokenInformationClass, IntPtr tokenInformation, int tokenInformationLength, out int returnLength);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial SafeKernelHandle CreateToolhelp32Snapshot(uint flags, uint processId);

    [LibraryImport("kernel32.dll", EntryPoint = "Process32FirstW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool Process32First(SafeKernelHandle snapshot, ProcessEntry32* entry);

    [LibraryImport("kernel32.dll", EntryPoint = "Process32NextW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool Process32Next(SafeKernelHandle snapshot, ProcessEntry32* entry);

    /// <summary>PROCESSENTRY32W; the executable name is kept as UTF-16 code units (ushort keeps the struct blittable).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct ProcessEntry32
    {
        public uint Size;
        public uint Usage;
        public uint ProcessId;
        public nuint DefaultHeapId;
        public uint ModuleId;
        public uint Threads;
        public uint ParentProcessId;
        public int PriorityClassBase;
        public uint Flags;
        public fixed ushort ExeFile[260];
    }
}

/// <summary>A kernel object handle closed with CloseHandle (tokens, Toolhelp snapshots).</summary>
[SupportedOSPlatform("windows")]
internal sealed partial class SafeKernelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeKernelHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => CloseHandle(handle);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);
}

using System.Buffers.Binary;
using System.Text;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>A parsed EFI_LOAD_OPTION (UEFI spec 2.10 §3.1.3): what a Boot#### variable starts.</summary>
internal sealed record EfiLoadOption(uint Attributes, string Description, string? FilePath)
{
    public const uint ActiveAttribute = 0x1;

    public bool IsActive => (Attributes & ActiveAttribute) != 0;
}

/// <summary>
/// Decodes the variables of efivarfs (/sys/firmware/efi/efivars). Every file there is the
/// variable's 4-byte attribute word followed by its data.
/// </summary>
internal static class EfiVariables
{
    /// <summary>The vendor GUID of the UEFI global variables (Boot####, BootOrder, SecureBoot…).</summary>
    public const string GlobalVariableGuid = "8be4df61-93ca-11d2-aa0d-e32c0e8fa22f";

    private const int AttributeBytes = 4;
    private const byte MediaDevicePath = 0x04;
    private const byte FilePathSubtype = 0x04;
    private const byte EndOfDevicePath = 0x7F;

    /// <summary>The variable's data without its attribute word; empty when the file is shorter than that.</summary>
    public static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> file) =>
        file.Length < AttributeBytes ? [] : file[AttributeBytes..];

    /// <summary>
    /// A one-byte boolean variable such as SecureBoot or SetupMode (the fifth byte of the file):
    /// true for 1, false for 0, null when the file is too short.
    /// </summary>
    public static bool? ReadFlag(ReadOnlySpan<byte> file) =>
        file.Length > AttributeBytes ? file[AttributeBytes] == 1 : null;

    /// <summary>The BootOrder variable as Boot#### numbers ("0001", "0000"…).</summary>
    public static List<string> ReadBootOrder(ReadOnlySpan<byte> file)
    {
        var data = DataOf(file);
        var order = new List<string>(data.Length / 2);
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            order.Add(BinaryPrimitives.ReadUInt16LittleEndian(data[i..]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }

        return order;
    }

    /// <summary>Parses a Boot#### variable file; null when it is too short to be a load option.</summary>
    public static EfiLoadOption? ReadLoadOption(ReadOnlySpan<byte> file)
    {
        // UINT32 Attributes; UINT16 FilePathListLength; CHAR16 Description[] (NUL-terminated);
        // EFI_DEVICE_PATH_PROTOCOL FilePathList[FilePathListLength bytes]; UINT8 OptionalData[]
        var data = DataOf(file);
        if (data.Length < 6)
        {
            return null;
        }

        var attributes = BinaryPrimitives.ReadUInt32LittleEndian(data);
        int filePathListLength = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        var rest = data[6..];
        var description = ReadUtf16String(rest, out var descriptionBytes);
        var devicePath = rest[Math.Min(descriptionBytes, rest.Length)..];
        devicePath = devicePath[..Math.Min(filePathListLength, devicePath.Length)];
        return new EfiLoadOption(attributes, description, FindFilePath(devicePath));
    }

    /// <summary>The path of the first media file-path node (e.g. <c>\EFI\debian\shimx64.efi</c>), or null.</summary>
    private static string? FindFilePath(ReadOnlySpan<byte> devicePath)
    {
        // Each node: UINT8 Type; UINT8 SubType; UINT16 Length (including these 4 bytes); data.
        while (devicePath.Length >= 4)
        {
            var type = devicePath[0];
            var subtype = devicePath[1];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(devicePath[2..]);
            if (type == EndOfDevicePath || length < 4 || length > devicePath.Length)
            {
                return null;
            }

            if (type == MediaDevicePath && subtype == FilePathSubtype)
            {
                return ReadUtf16String(devicePath[4..length], out _);
            }

            devicePath = devicePath[length..];
        }

        return null;
    }

    /// <summary>A NUL-terminated UTF-16LE string; <paramref name="consumedBytes"/> includes the terminator.</summary>
    private static string ReadUtf16String(ReadOnlySpan<byte> bytes, out int consumedBytes)
    {
        var length = 0;
        while (length + 1 < bytes.Length && (bytes[length] != 0 || bytes[length + 1] != 0))
        {
            length += 2;
        }

        consumedBytes = length + 2;
        return Encoding.Unicode.GetString(bytes[..length]);
    }
}

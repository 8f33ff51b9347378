using System.Text;
using Tenantra.Agent.Collectors.Windows;

namespace Tenantra.Agent.Tests.Collectors.Windows;

public sealed class RegFileParserTests
{
    private const string TypesKey = @"HKLM\SOFTWARE\Tenantra\ValueTypes";

    public static TheoryData<string> Encodings => ["utf-8 as saved", "utf-8 with bom", "utf-16le with bom and crlf", "utf-16le without bom"];

    private static RegFileParseResult ParseValueTypes(string encoding)
    {
        var utf8 = WindowsFixtures.Bytes("registry/value-types.reg");
        var text = Encoding.UTF8.GetString(utf8);
        var bytes = encoding switch
        {
            "utf-8 as saved" => utf8,
            "utf-8 with bom" => WindowsFixtures.Utf8(text, bom: true),
            "utf-16le with bom and crlf" => WindowsFixtures.Utf16LeWithBomAndCrlf(text),
            _ => Encoding.Unicode.GetBytes(text.ReplaceLineEndings("\r\n")),
        };
        return RegFileParser.Parse(bytes);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Reads_every_value_type_in_every_encoding(string encoding)
    {
        var result = ParseValueTypes(encoding);

        Assert.Empty(result.Problems);
        var key = result.Registry.OpenKey(TypesKey);
        Assert.NotNull(key);
        Assert.Equal(
            ["", "Plain", "Escapes", "Empty", "Unicode", "DWord", "QWord", "Binary", "EmptyBinary", "Expand", "Multi", "None", "StringAsHex", "BigEndian", "ResourceList"],
            key.Values.Select(value => value.Name));

        string Describe(string name)
        {
            var value = key.GetValue(name)!;
            return value.TypeName + " " + value.ToText();
        }

        Assert.Equal("REG_SZ default value", Describe(""));
        Assert.Equal("REG_SZ hello world", Describe("Plain"));
        Assert.Equal(@"REG_SZ say ""hi"" from C:\Temp\ and \\server\share", Describe("Escapes"));
        Assert.Equal("REG_SZ ", Describe("Empty"));
        Assert.Equal("REG_SZ Grüße – 東京", Describe("Unicode"));
        Assert.Equal("REG_DWORD 4294967294", Describe("DWord"));
        Assert.Equal(0xfffffffeu, key.GetValue("DWord")!.Data);
        Assert.Equal("REG_QWORD 81985529216486895", Describe("QWord"));
        Assert.Equal(0x0123456789abcdeful, key.GetValue("QWord")!.Data);
        Assert.Equal("REG_BINARY 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f", Describe("Binary"));
        Assert.Equal("REG_BINARY ", Describe("EmptyBinary"));
        Assert.Equal(@"REG_EXPAND_SZ %SystemRoot%\System32\svchost.exe -k netsvcs", Describe("Expand"));
        Assert.Equal(RegistryValueType.ExpandString, key.GetValue("Expand")!.Type);
        Assert.Equal(new[] { "first", "second line", @"C:\third" }, key.GetValue("Multi")!.Data);
        Assert.Equal("REG_NONE 0102", Describe("None"));
        Assert.Equal("REG_SZ as hex", Describe("StringAsHex"));
        Assert.Equal("REG_DWORD_BIG_ENDIAN 256", Describe("BigEndian"));
        Assert.Equal("REG_RESOURCE_LIST 01000000", Describe("ResourceList"));
        Assert.Null(key.GetValue("Deleted"));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Keeps_quotes_and_equals_signs_inside_key_and_value_names(string encoding)
    {
        var result = ParseValueTypes(encoding);

        var child = result.Registry.OpenKey(TypesKey + @"\Child ""quoted"" key");
        Assert.NotNull(child);
        Assert.Equal("a=b", child.GetValue("With = sign")!.ToText());
        Assert.Equal(["Child \"quoted\" key"], result.Registry.OpenKey(TypesKey)!.SubKeyNames);
    }

    [Fact]
    public void Joins_hex_lines_continued_with_a_backslash_whatever_the_indentation()
    {
        var text = """
            Windows Registry Editor Version 5.00

            [HKEY_CURRENT_USER\Software\Test]
            "Wrapped"=hex(2):43,00,3a,00,\
              5c,00,\
            	78,00,2e,00,  \
            65,00,78,00,65,00,00,00
            "After"=dword:0000000a
            """;

        var result = RegFileParser.Parse(WindowsFixtures.Utf16LeWithBomAndCrlf(text));

        Assert.Empty(result.Problems);
        var key = result.Registry.OpenKey(@"HKCU\Software\Test")!;
        Assert.Equal(@"C:\x.exe", key.GetValue("Wrapped")!.ToText());
        Assert.Equal(10ul, key.GetValue("After")!.Number);
    }

    [Fact]
    public void Reads_an_ansi_regedit4_file_with_single_byte_strings()
    {
        var text = "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]\r\n\"Path\"=hex(2):25,53,79,73,74,65,6d,52,6f,6f,74,25,00\r\n\"List\"=hex(7):61,00,62,00,00\r\n";

        var result = RegFileParser.Parse(Encoding.Latin1.GetBytes(text));

        Assert.Empty(result.Problems);
        var key = result.Registry.OpenKey(@"HKLM\SOFTWARE\Old")!;
        Assert.Equal("%SystemRoot%", key.GetValue("Path")!.ToText());
        Assert.Equal(new[] { "a", "b" }, key.GetValue("List")!.Data);
    }

    [Fact]
    public void Skips_deleted_keys_with_their_values_and_reports_unreadable_lines_without_stopping()
    {
        var text = """
            Windows Registry Editor Version 5.00

            "Orphan"="before any key"

            [-HKEY_LOCAL_MACHINE\SOFTWARE\Gone]
            "InsideDeleted"="ignored"

            [HKEY_LOCAL_MACHINE\SOFTWARE\Kept]
            "Good"="yes"
            "BadDword"=dword:123456789
            "BadHex"=hex:zz,01
            "Unterminated"="no closing quote
            "BadQword"=hex(b):01,02
            this is not a value line
            "AlsoGood"=dword:00000002

            [HKEY_NOWHERE\X]
            "InUnknownHive"="ignored"

            [HKEY_LOCAL_MACHINE\SOFTWARE\NoClosingBracket
            """;

        var result = RegFileParser.Parse(WindowsFixtures.Utf8(text));

        Assert.Equal(
            [
                "line 3: a value before any key",
                @"line 10: unreadable data for value 'BadDword' in [HKLM\SOFTWARE\Kept]",
                @"line 11: unreadable data for value 'BadHex' in [HKLM\SOFTWARE\Kept]",
                @"line 12: unreadable data for value 'Unterminated' in [HKLM\SOFTWARE\Kept]",
                @"line 13: unreadable data for value 'BadQword' in [HKLM\SOFTWARE\Kept]",
                "line 14: not a value line",
                @"line 17: unknown hive in key [HKEY_NOWHERE\X]",
                "line 20: a key line without a closing bracket",
            ],
            result.Problems);
        Assert.Null(result.Registry.OpenKey(@"HKLM\SOFTWARE\Gone"));
        var kept = result.Registry.OpenKey(@"HKLM\SOFTWARE\Kept")!;
        Assert.Equal(["Good", "AlsoGood"], kept.Values.Select(value => value.Name));
    }

    [Fact]
    public void Refuses_a_file_without_the_registry_editor_header()
    {
        var error = Assert.Throws<FormatException>(() => RegFileParser.Parse(WindowsFixtures.Utf8("[HKEY_LOCAL_MACHINE\\SOFTWARE]\n\"a\"=\"b\"\n")));
        Assert.Contains("Not a Registry Editor export", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opens_keys_by_long_or_short_hive_name_in_any_case_and_creates_parents()
    {
        var result = RegFileParser.Parse(WindowsFixtures.Bytes("registry/autoruns.reg"));

        Assert.Empty(result.Problems);
        var registry = result.Registry;
        var run = registry.OpenKey(@"hkey_local_machine\software\microsoft\windows\currentversion\run\");
        Assert.NotNull(run);
        Assert.Equal(@"HKLM\software\microsoft\windows\currentversion\run", run.Path);
        Assert.Equal(["SecurityHealth", "VMware User Process", "BackupAgent"], run.Values.Select(value => value.Name));
        Assert.Equal(["S-1-5-21-3623811015-3361044348-30300820-1013", "S-1-5-21-3623811015-3361044348-30300820-1013_Classes", ".DEFAULT"], registry.OpenKey("HKU")!.SubKeyNames);
        Assert.Contains("CurrentVersion", registry.OpenKey(@"HKLM\SOFTWARE\Microsoft\Windows")!.SubKeyNames);
        Assert.Null(registry.OpenKey(@"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Stale"));
        Assert.Null(registry.OpenKey(@"HKCU\Software\Missing"));
        Assert.Null(registry.OpenKey(@"HKCR\Anything"));
        Assert.Null(registry.OpenKey(@"NOTAHIVE\x"));
    }

    [Fact]
    public void A_later_value_of_the_same_name_replaces_the_earlier_one_in_place()
    {
        var text = "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n\"x\"=\"1\"\n\"y\"=\"2\"\n\n[HKEY_CURRENT_USER\\a]\n\"X\"=dword:00000003\n";

        var key = RegFileParser.Parse(WindowsFixtures.Utf8(text)).Registry.OpenKey(@"HKCU\A")!;

        Assert.Equal(["X", "y"], key.Values.Select(value => value.Name));
        Assert.Equal("REG_DWORD", key.GetValue("x")!.TypeName);
    }
}

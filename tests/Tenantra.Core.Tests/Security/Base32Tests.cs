using System.Text;
using Tenantra.Core.Security;

namespace Tenantra.Core.Tests.Security;

public sealed class Base32Tests
{
    // RFC 4648 section 10, with the padding that Encode leaves off.
    public static TheoryData<string, string> Rfc4648Vectors => new()
    {
        { "", "" },
        { "f", "MY" },
        { "fo", "MZXQ" },
        { "foo", "MZXW6" },
        { "foob", "MZXW6YQ" },
        { "fooba", "MZXW6YTB" },
        { "foobar", "MZXW6YTBOI" },
    };

    [Theory]
    [MemberData(nameof(Rfc4648Vectors))]
    public void Encode_Rfc4648Vector_GivesUnpaddedText(string plain, string encoded) =>
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(plain)));

    [Theory]
    [MemberData(nameof(Rfc4648Vectors))]
    public void Decode_Rfc4648Vector_GivesBytes(string plain, string encoded) =>
        Assert.Equal(Encoding.ASCII.GetBytes(plain), Base32.Decode(encoded));

    [Theory]
    [InlineData("MZXW6YTBOI======")]
    [InlineData("mzxw6ytboi")]
    [InlineData("mzxw 6ytb oi==")]
    public void Decode_LowercaseSpacesOrPadding_AreAccepted(string encoded) =>
        Assert.Equal("foobar"u8.ToArray(), Base32.Decode(encoded));

    [Theory]
    [InlineData("MZXW1")]
    [InlineData("MZXW8")]
    [InlineData("MZ-XW")]
    [InlineData("MY=A")]
    [InlineData("M")]
    [InlineData("MZX")]
    [InlineData("MZXW6Y")]
    public void Decode_InvalidText_Throws(string encoded) =>
        Assert.Throws<FormatException>(() => Base32.Decode(encoded));

    [Fact]
    public void Encode_ThenDecode_RoundTripsEveryLength()
    {
        var random = new Random(4648);
        for (var length = 0; length < 64; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(data, Base32.Decode(Base32.Encode(data)));
        }
    }
}

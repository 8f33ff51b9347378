using System.Text;
using Tenantra.Core.Security;

namespace Tenantra.Core.Tests.Security;

public sealed class TotpTests
{
    private static readonly byte[] s_rfc6238Key = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_111_111_111);

    // RFC 6238 appendix B, SHA1 rows; the RFC prints 8 digits and we keep the last 6.
    [Theory]
    [InlineData(59L, 0x1L, "287082")]
    [InlineData(1111111109L, 0x23523ECL, "081804")]
    [InlineData(1111111111L, 0x23523EDL, "050471")]
    [InlineData(1234567890L, 0x273EF07L, "005924")]
    [InlineData(2000000000L, 0x3F940AAL, "279037")]
    [InlineData(20000000000L, 0x27BC86AAL, "353130")]
    public void Compute_Rfc6238Vector_GivesLastSixDigits(long unixSeconds, long expectedStep, string expectedCode)
    {
        var step = Totp.TimeStepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expectedStep, step);
        Assert.Equal(expectedCode, Totp.Compute(s_rfc6238Key, step));
    }

    [Fact]
    public void Verify_CurrentCode_ReturnsCurrentStep()
    {
        var step = Totp.TimeStepAt(s_now);

        Assert.Equal(step, Totp.Verify(s_rfc6238Key, Totp.Compute(s_rfc6238Key, step), s_now, lastAcceptedStep: 0));
    }

    [Fact]
    public void Verify_CodeOfAcceptedStep_IsRefused()
    {
        var step = Totp.TimeStepAt(s_now);
        var code = Totp.Compute(s_rfc6238Key, step);
        var accepted = Totp.Verify(s_rfc6238Key, code, s_now, lastAcceptedStep: 0);

        Assert.NotNull(accepted);
        Assert.Null(Totp.Verify(s_rfc6238Key, code, s_now, accepted.Value));
        Assert.Null(Totp.Verify(s_rfc6238Key, code, s_now.AddSeconds(20), accepted.Value));
    }

    [Fact]
    public void Verify_CodeOfStepBeforeLastAccepted_IsRefused()
    {
        var step = Totp.TimeStepAt(s_now);

        Assert.Null(Totp.Verify(s_rfc6238Key, Totp.Compute(s_rfc6238Key, step - 1), s_now, lastAcceptedStep: step));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Verify_CodeOneStepAway_IsAcceptedWithinDefaultDrift(int offset)
    {
        var step = Totp.TimeStepAt(s_now) + offset;

        Assert.Equal(step, Totp.Verify(s_rfc6238Key, Totp.Compute(s_rfc6238Key, step), s_now, lastAcceptedStep: 0));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    public void Verify_CodeTwoStepsAway_IsRefusedWithDefaultDrift(int offset)
    {
        var step = Totp.TimeStepAt(s_now) + offset;

        Assert.Null(Totp.Verify(s_rfc6238Key, Totp.Compute(s_rfc6238Key, step), s_now, lastAcceptedStep: 0));
    }

    [Fact]
    public void Verify_CodeOneStepAway_IsRefusedWithoutDrift()
    {
        var step = Totp.TimeStepAt(s_now) - 1;

        Assert.Null(Totp.Verify(s_rfc6238Key, Totp.Compute(s_rfc6238Key, step), s_now, lastAcceptedStep: 0, allowedDrift: 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("05047")]
    [InlineData("0504710")]
    [InlineData("05047a")]
    [InlineData(" 050471")]
    [InlineData("05 0471")]
    [InlineData("٠٥٠٤٧١")]
    public void Verify_InputNotSixAsciiDigits_IsRefused(string code) =>
        Assert.Null(Totp.Verify(s_rfc6238Key, code, s_now, lastAcceptedStep: 0));

    [Fact]
    public void BuildOtpAuthUri_EscapesLabelAndIssuer()
    {
        var uri = Totp.BuildOtpAuthUri("Acme MSP & Co", "ada+ops@example.com", Encoding.ASCII.GetBytes("foobar"));

        Assert.Equal(
            "otpauth://totp/Acme%20MSP%20%26%20Co:ada%2Bops%40example.com"
                + "?secret=MZXW6YTBOI&issuer=Acme%20MSP%20%26%20Co&algorithm=SHA1&digits=6&period=30",
            uri);
    }

    [Theory]
    [InlineData("Acme:MSP", "ada")]
    [InlineData("Acme", "ada:ops")]
    public void BuildOtpAuthUri_ColonInIssuerOrAccount_Throws(string issuer, string account) =>
        Assert.Throws<ArgumentException>(() => Totp.BuildOtpAuthUri(issuer, account, [1, 2, 3]));
}

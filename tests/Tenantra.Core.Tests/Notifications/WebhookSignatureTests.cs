using System.Text;
using Tenantra.Core.Notifications;

namespace Tenantra.Core.Tests.Notifications;

public sealed class WebhookSignatureTests
{
    // The reference vector published with the Standard Webhooks specification.
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorBody = "{\"test\": 2432232314}";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Signs_the_published_reference_vector() =>
        Assert.Equal(VectorSignature, WebhookSignature.Sign(VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody), [VectorSecret]));

    [Fact]
    public void During_a_rotation_both_secrets_sign_space_separated()
    {
        var other = WebhookSignature.NewSecret();
        var header = WebhookSignature.Sign(VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorBody), [other, VectorSecret]);
        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.Equal(VectorSignature, parts[1]);
        Assert.StartsWith("v1,", parts[0], StringComparison.Ordinal);
        Assert.NotEqual(parts[0], parts[1]);
    }

    [Fact]
    public void Changing_the_id_timestamp_or_body_changes_the_signature()
    {
        var body = Encoding.UTF8.GetBytes(VectorBody);
        Assert.NotEqual(VectorSignature, WebhookSignature.Sign(VectorId + "x", VectorTimestamp, body, [VectorSecret]));
        Assert.NotEqual(VectorSignature, WebhookSignature.Sign(VectorId, VectorTimestamp + 1, body, [VectorSecret]));
        Assert.NotEqual(VectorSignature, WebhookSignature.Sign(VectorId, VectorTimestamp, Encoding.UTF8.GetBytes("{\"test\":2432232314}"), [VectorSecret]));
    }

    [Fact]
    public void New_secrets_hold_32_random_bytes()
    {
        var a = WebhookSignature.NewSecret();
        Assert.StartsWith(WebhookSignature.SecretPrefix, a, StringComparison.Ordinal);
        Assert.Equal(32, WebhookSignature.KeyOf(a)!.Length);
        Assert.NotEqual(a, WebhookSignature.NewSecret());
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")] // no prefix
    [InlineData("whsec_")] // empty
    [InlineData("whsec_c2hvcnQ=")] // 5 bytes: under 24
    [InlineData("whsec_not base64!!")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 69 bytes: over 64
    public void Secrets_that_are_not_24_to_64_bytes_behind_whsec_are_refused(string secret) => Assert.Null(WebhookSignature.KeyOf(secret));
}

using System.Security.Cryptography;
using System.Text;

namespace Tenantra.Core.Notifications;

/// <summary>
/// Webhook signing in the Standard Webhooks scheme (standardwebhooks.com): the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, signed with HMAC-SHA256 under the secret's bytes
/// (the base64 after <c>whsec_</c>); <c>webhook-signature</c> lists <c>v1,{base64 signature}</c>
/// for each current secret, space-separated, so receivers can switch secrets during a rotation.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public const int MinSecretBytes = 24;
    public const int MaxSecretBytes = 64;

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key bytes of a <c>whsec_</c> secret, or null when it is not one of 24 to 64 bytes.</summary>
    public static byte[]? KeyOf(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var key = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], key, out var length) && length is >= MinSecretBytes and <= MaxSecretBytes
            ? key[..length]
            : null;
    }

    /// <summary>The <c>webhook-signature</c> header value for the body, one signature per secret.</summary>
    public static string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body, IEnumerable<string> secrets)
    {
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return string.Join(' ', secrets.Select(secret =>
            "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyOf(secret) ?? throw new ArgumentException("Not a webhook secret.", nameof(secrets)), content))));
    }
}

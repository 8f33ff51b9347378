using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tenantra.Agent.Contracts;

/// <summary>
/// How an agent signs a request and the server checks it: ECDSA P-256 with SHA-256 (IEEE P1363
/// signature, base64) over
/// <code>
/// TENANTRA-AGENT-1 \n METHOD \n path?query \n unix-seconds \n nonce \n hex(SHA-256(body as sent))
/// </code>
/// The headers carry the agent id, timestamp, nonce and signature. The server refuses a timestamp
/// more than <see cref="MaxClockSkew"/> away and any nonce it has seen before.
/// </summary>
public static class AgentRequestSignature
{
    public const string AgentHeader = "X-Tenantra-Agent";
    public const string TimestampHeader = "X-Tenantra-Timestamp";
    public const string NonceHeader = "X-Tenantra-Nonce";
    public const string SignatureHeader = "X-Tenantra-Signature";

    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(300);

    public static string CanonicalString(string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body) =>
        string.Join('\n',
            "TENANTRA-AGENT-1",
            method.ToUpperInvariant(),
            pathAndQuery,
            unixSeconds.ToString(CultureInfo.InvariantCulture),
            nonce,
            Convert.ToHexStringLower(SHA256.HashData(body)));

    public static string Sign(ECDsa key, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(CanonicalString(method, pathAndQuery, unixSeconds, nonce, body)), HashAlgorithmName.SHA256));

    public static bool Verify(ECDsa publicKey, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body, string signature)
    {
        Span<byte> raw = stackalloc byte[132];
        return Convert.TryFromBase64String(signature, raw, out var length)
            && publicKey.VerifyData(Encoding.UTF8.GetBytes(CanonicalString(method, pathAndQuery, unixSeconds, nonce, body)), raw[..length], HashAlgorithmName.SHA256);
    }

    /// <summary>A new random nonce: 16 bytes, base64url without padding.</summary>
    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A P-256 public key from its base64 SubjectPublicKeyInfo, or null when it is not one.</summary>
    public static ECDsa? ImportPublicKey(string? spkiBase64)
    {
        if (string.IsNullOrEmpty(spkiBase64) || spkiBase64.Length > 512)
        {
            return null;
        }

        try
        {
            var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(spkiBase64), out _);
            if (key.KeySize != 256)
            {
                key.Dispose();
                return null;
            }

            return key;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

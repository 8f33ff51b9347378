using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tenantra.Core.Security;

/// <summary>
/// RFC 6238 time-based one-time passwords with the parameters every authenticator app supports:
/// HMAC-SHA1, 6 digits, 30-second steps.
/// </summary>
public static class Totp
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>The time step containing <paramref name="time"/>, counted from the Unix epoch.</summary>
    public static long TimeStepAt(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        var step = seconds / StepSeconds;
        return seconds % StepSeconds < 0 ? step - 1 : step;
    }

    public static string Compute(byte[] key, long timeStep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timeStep);
        Span<byte> counter = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(counter, timeStep);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
#pragma warning disable CA5350 // RFC 6238 and authenticator apps use HMAC-SHA1; HMAC does not rely on SHA-1's collision resistance.
        HMACSHA1.HashData(key, counter, mac);
#pragma warning restore CA5350
        var offset = mac[^1] & 0x0F;
        var truncated = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7FFFFFFF;
        return (truncated % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Checks <paramref name="code"/> against the steps within <paramref name="allowedDrift"/> of
    /// <paramref name="now"/> and returns the matched step, or null. Only steps after
    /// <paramref name="lastAcceptedStep"/> count, so storing the returned step as the new
    /// last accepted step makes every code single-use.
    /// </summary>
    public static long? Verify(byte[] key, string code, DateTimeOffset now, long lastAcceptedStep, int allowedDrift = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(allowedDrift);
        if (code is not { Length: Digits } || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        Span<byte> given = stackalloc byte[Digits];
        Span<byte> expected = stackalloc byte[Digits];
        for (var i = 0; i < Digits; i++)
        {
            given[i] = (byte)code[i];
        }

        // Every step in the window is compared, and the latest match wins: a code that matched an
        // earlier step as well could otherwise be replayed against the later one.
        var current = TimeStepAt(now);
        long? matched = null;
        for (var step = Math.Max(0, current - allowedDrift); step <= current + allowedDrift; step++)
        {
            var candidate = Compute(key, step);
            for (var i = 0; i < Digits; i++)
            {
                expected[i] = (byte)candidate[i];
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected) && step > lastAcceptedStep)
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>
    /// The Key URI Format link (usually shown as a QR code) that loads <paramref name="key"/>
    /// into an authenticator app. Neither <paramref name="issuer"/> nor <paramref name="account"/>
    /// may contain a colon, because the label separates them with one.
    /// </summary>
    public static string BuildOtpAuthUri(string issuer, string account, byte[] key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        if (issuer.Contains(':', StringComparison.Ordinal) || account.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The issuer and account of an otpauth URI cannot contain ':'.");
        }

        var escapedIssuer = Uri.EscapeDataString(issuer);
        return $"otpauth://totp/{escapedIssuer}:{Uri.EscapeDataString(account)}"
            + $"?secret={Base32.Encode(key)}&issuer={escapedIssuer}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
    }
}

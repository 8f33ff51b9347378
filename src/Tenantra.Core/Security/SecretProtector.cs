using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tenantra.Core.Security;

/// <summary>
/// Encrypts secrets kept at rest (TOTP keys, integration credentials) with AES-256-GCM under one
/// 32-byte key. The purpose is authenticated with the ciphertext, so a value protected for one
/// purpose cannot be unprotected for another. Output: <c>v1:</c> + base64url(nonce | ciphertext | tag).
/// Safe to share between threads.
/// </summary>
public sealed class SecretProtector
{
    public const int KeySize = 32;
    private const string Prefix = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key must be {KeySize} bytes.", nameof(key));
        }

        _key = (byte[])key.Clone();
    }

    public string Protect(string plaintext, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var payload = new byte[NonceSize + plain.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(nonce, plain, payload.AsSpan(NonceSize, plain.Length), payload.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(purpose));
        }

        return Prefix + Base64Url.EncodeToString(payload);
    }

    /// <exception cref="CryptographicException">The value is malformed, was altered, or was
    /// protected under another key or purpose.</exception>
    public string Unprotect(string protectedValue, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (!protectedValue.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("The protected value has an unknown format.");
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(protectedValue.AsSpan(Prefix.Length));
        }
        catch (FormatException e)
        {
            throw new CryptographicException("The protected value is not valid base64url.", e);
        }

        if (payload.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected value is too short.");
        }

        var cipherLength = payload.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Decrypt(
                payload.AsSpan(0, NonceSize),
                payload.AsSpan(NonceSize, cipherLength),
                payload.AsSpan(NonceSize + cipherLength),
                plain,
                Encoding.UTF8.GetBytes(purpose));
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// Reads the base64 key in <paramref name="path"/>, or creates the file with a new random key,
    /// readable only by the owner on Unix. Concurrent first starts agree on one key.
    /// </summary>
    /// <exception cref="CryptographicException">The file does not hold a base64 32-byte key.</exception>
    public static byte[] LoadOrCreateKeyFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath))
        {
            return ReadKeyFile(fullPath);
        }

        CreateOwnerOnlyDirectory(Path.GetDirectoryName(fullPath)!);
        var key = RandomNumberGenerator.GetBytes(KeySize);
        var temporary = $"{fullPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            WriteOwnerOnlyFile(temporary, Convert.ToBase64String(key) + "\n");
            // The key appears under its name complete, or not at all.
            File.Move(temporary, fullPath, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(fullPath))
        {
            return ReadKeyFile(fullPath);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static byte[] ReadKeyFile(string path)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException e)
        {
            throw new CryptographicException($"The key file '{path}' is not base64.", e);
        }

        return key.Length == KeySize
            ? key
            : throw new CryptographicException($"The key file '{path}' holds {key.Length} bytes, not {KeySize}.");
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void WriteOwnerOnlyFile(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, Encoding.ASCII, options))
        {
            writer.Write(contents);
        }

        if (!OperatingSystem.IsWindows())
        {
            // The create mode is filtered by the umask; set it exactly.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using Tenantra.Core.Security;

namespace Tenantra.Core.Tests.Security;

public sealed class SecretProtectorTests : IDisposable
{
    private const string Purpose = "totp-key";
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tenantra-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("JBSWY3DPEHPK3PXP")]
    [InlineData("ünïcödé ✓ secret")]
    public void Unprotect_ProtectedValue_GivesPlaintextBack(string plaintext)
    {
        var protectedValue = _protector.Protect(plaintext, Purpose);

        Assert.StartsWith("v1:", protectedValue, StringComparison.Ordinal);
        Assert.Equal(plaintext, _protector.Unprotect(protectedValue, Purpose));
    }

    [Fact]
    public void Protect_SamePlaintextTwice_GivesDifferentValues() =>
        Assert.NotEqual(_protector.Protect("secret", Purpose), _protector.Protect("secret", Purpose));

    [Fact]
    public void Unprotect_AnyByteFlipped_Throws()
    {
        var protectedValue = _protector.Protect("secret", Purpose);
        var payload = Base64Url.DecodeFromChars(protectedValue.AsSpan(3));

        for (var i = 0; i < payload.Length; i++)
        {
            var tampered = (byte[])payload.Clone();
            tampered[i] ^= 0x01;

            Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect("v1:" + Base64Url.EncodeToString(tampered), Purpose));
        }
    }

    [Fact]
    public void Unprotect_WrongPurpose_Throws()
    {
        var protectedValue = _protector.Protect("secret", Purpose);

        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect(protectedValue, "webhook-secret"));
    }

    [Fact]
    public void Unprotect_WrongKey_Throws()
    {
        var protectedValue = _protector.Protect("secret", Purpose);
        var other = new SecretProtector(RandomNumberGenerator.GetBytes(32));

        Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(protectedValue, Purpose));
    }

    [Theory]
    [InlineData("")]
    [InlineData("secret")]
    [InlineData("v2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1:not*base64url")]
    [InlineData("v1:AAAA")]
    public void Unprotect_MalformedValue_Throws(string protectedValue) =>
        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect(protectedValue, Purpose));

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Constructor_KeyNot32Bytes_Throws(int length) =>
        Assert.Throws<ArgumentException>(() => new SecretProtector(new byte[length]));

    [Fact]
    public void LoadOrCreateKeyFile_MissingFile_CreatesOwnerOnlyKeyFileAndDirectory()
    {
        var path = Path.Combine(_directory, "keys", "secrets.key");

        var key = SecretProtector.LoadOrCreateKeyFile(path);

        Assert.Equal(32, key.Length);
        Assert.Equal(key, Convert.FromBase64String(File.ReadAllText(path)));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }

    [Fact]
    public void LoadOrCreateKeyFile_ExistingFile_ReturnsSameKey()
    {
        var path = Path.Combine(_directory, "secrets.key");
        var created = SecretProtector.LoadOrCreateKeyFile(path);

        Assert.Equal(created, SecretProtector.LoadOrCreateKeyFile(path));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void LoadOrCreateKeyFile_FileWithoutValidKey_Throws(string contents)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "secrets.key");
        File.WriteAllText(path, contents);

        Assert.Throws<CryptographicException>(() => SecretProtector.LoadOrCreateKeyFile(path));
    }
}

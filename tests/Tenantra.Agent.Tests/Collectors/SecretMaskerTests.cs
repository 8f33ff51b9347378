using Tenantra.Agent.Collectors;

namespace Tenantra.Agent.Tests.Collectors;

public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("Server=db;User Id=sa;Password=Hunter2!;Encrypt=true", "Server=db;User Id=sa;Password=********;Encrypt=true")]
    [InlineData("Host=db;Username=app;Pwd='spaces are; here'", "Host=db;Username=app;Pwd=********")]
    [InlineData("/usr/bin/backup --password s3cret --verbose", "/usr/bin/backup --password ******** --verbose")]
    [InlineData("tool --token=abc.def.ghi run", "tool --token=******** run")]
    [InlineData("curl https://alice:pa55@example.com/x", "curl https://alice:********@example.com/x")]
    [InlineData("net use \\\\srv\\c /p:Secret123", "net use \\\\srv\\c /p:********")]
    [InlineData("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI export", "AWS_SECRET_ACCESS_KEY=******** export")]
    [InlineData("/usr/sbin/sshd -D", "/usr/sbin/sshd -D")]
    [InlineData("run --env {\"AWS_SECRET_ACCESS_KEY\": \"wJalr\\\"XU\", \"REGION\": \"eu\"}", "run --env {\"AWS_SECRET_ACCESS_KEY\": ********, \"REGION\": \"eu\"}")]
    [InlineData("{\"password\":\"x\"}", "{\"password\":********}")]
    [InlineData("", "")]
    public void Masks_secrets_inside_text_and_leaves_the_rest(string input, string expected) =>
        Assert.Equal(expected, SecretMasker.MaskText(input));

    [Theory]
    [InlineData("DefaultPassword", "P@ssw0rd", "********")]
    [InlineData("defaultpassword", "x", "********")]
    [InlineData("Shell", "explorer.exe", "explorer.exe")]
    [InlineData("Userinit", "C:\\Windows\\system32\\userinit.exe,", "C:\\Windows\\system32\\userinit.exe,")]
    public void Masks_whole_values_whose_name_marks_a_secret(string name, string value, string expected) =>
        Assert.Equal(expected, SecretMasker.MaskValue(name, value));

    [Fact]
    public void Null_stays_null() => Assert.Null(SecretMasker.MaskValue("DefaultPassword", null));
}

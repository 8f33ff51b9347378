using System.Text;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Tests.Collectors.Linux;

namespace Tenantra.Agent.Tests.Collectors;

public sealed class CloudProfileCollectorTests : IDisposable
{
    private static readonly string[] s_secrets =
    [
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN",
        "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "AQoDYXdzEPTOKENSECURITY", "ext-id-SECRET-42",
        "get-creds --secret XYZZY", "sso-cache-token-SECRET", "azure-access-token-SECRET", "gcloud-refresh-SECRET",
    ];

    private readonly FixtureRoot _machine = new();

    public CloudProfileCollectorTests() =>
        _machine.Write("/etc/passwd", """
            root:x:0:0:root:/root:/bin/bash
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            alice:x:1000:1000:Alice:/home/alice:/bin/bash
            svc:x:998:998::/srv/svc:/usr/sbin/nologin
            nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
            """);

    public void Dispose() => _machine.Dispose();

    [Fact]
    public void Aws_profiles_merge_config_and_credentials_and_copy_only_allowed_settings()
    {
        _machine.Write("/root/.aws/config", """
            [default]
            region = eu-west-1
            output = json

            [profile prod]
            role_arn = arn:aws:iam::123456789012:role/Admin
            source_profile = default
            mfa_serial = arn:aws:iam::210987654321:mfa/alice
            external_id = ext-id-SECRET-42
            credential_process = /usr/bin/get-creds --secret XYZZY
            s3 =
              max_concurrent_requests = 20

            [profile sso]
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = ReadOnly

            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = us-east-1
            """);
        _machine.Write("/root/.aws/credentials", """
            [default]
            aws_access_key_id = AKIAIOSFODNN7EXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            aws_session_token = IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN
            """);

        var context = _machine.Context();
        var entries = new CloudProfileCollector(windowsLayout: false).Collect(context).ToList();

        Assert.Equal(["root:default", "root:prod", "root:sso"], entries.KeysOf("aws-profile"));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["profile"] = "default",
            ["sources"] = "config,credentials",
            ["region"] = "eu-west-1",
            ["output"] = "json",
            ["staticKeys"] = "true",
        }, entries.FieldsOf("aws-profile", "root:default"));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["profile"] = "prod",
            ["sources"] = "config",
            ["role_arn"] = "arn:aws:iam::123456789012:role/Admin",
            ["source_profile"] = "default",
            ["mfa_serial"] = "arn:aws:iam::210987654321:mfa/alice",
            ["accountIds"] = "123456789012,210987654321",
        }, entries.FieldsOf("aws-profile", "root:prod"));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["profile"] = "sso",
            ["sources"] = "config",
            ["sso_session"] = "corp",
            ["sso_account_id"] = "111122223333",
            ["sso_role_name"] = "ReadOnly",
            ["accountIds"] = "111122223333",
        }, entries.FieldsOf("aws-profile", "root:sso"));
        Assert.Empty(context.Problems);
    }

    [Fact]
    public void Secrets_in_credentials_files_never_reach_an_entry()
    {
        var credentials = new StringBuilder();
        foreach (var profile in (string[])["default", "prod", "ci"])
        {
            credentials.Append($"""
                [{profile}]
                aws_access_key_id = AKIAIOSFODNN7EXAMPLE
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                aws_session_token = IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN
                aws_security_token = AQoDYXdzEPTOKENSECURITY
                region = us-west-2
                x_secret = sso-cache-token-SECRET

                """);
        }

        _machine.Write("/home/alice/.aws/credentials", credentials.ToString());
        _machine.Write("/home/alice/.aws/config", """
            [profile prod]
            aws_access_key_id=AKIAI44QH8DHBEXAMPLE
            aws_secret_access_key=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
            external_id = ext-id-SECRET-42
            credential_process = /usr/bin/get-creds --secret XYZZY
            """);
        _machine.Write("/home/alice/.azure/azureProfile.json", """
            {"subscriptions": [{"id": "sub-1", "name": "Prod", "tenantId": "tenant-1", "accessToken": "azure-access-token-SECRET",
              "user": {"name": "alice@example.com", "type": "user", "password": "azure-access-token-SECRET"}}]}
            """);
        _machine.Write("/home/alice/.config/gcloud/configurations/config_default", "[core]\naccount = alice@example.com\nrefresh_token = gcloud-refresh-SECRET\n");

        var entries = new CloudProfileCollector(windowsLayout: false).Collect(_machine.Context()).ToList();

        Assert.Equal(["alice:ci", "alice:default", "alice:prod"], entries.KeysOf("aws-profile"));
        Assert.Equal("us-west-2", entries.FieldsOf("aws-profile", "alice:prod")["region"]);
        Assert.Equal("true", entries.FieldsOf("aws-profile", "alice:prod")["staticKeys"]);
        Assert.Single(entries, entry => entry.Kind == "azure-subscription");
        Assert.Single(entries, entry => entry.Kind == "gcloud-configuration");
        var everything = string.Join('\n', entries.SelectMany(entry => entry.Fields.Select(field => $"{entry.Kind} {entry.Key} {field.Key} {field.Value}")));
        Assert.All(s_secrets, secret => Assert.DoesNotContain(secret, everything, StringComparison.Ordinal));
        Assert.DoesNotContain("aws_access_key_id", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("aws_secret_access_key", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("token", everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Azure_subscriptions_keep_id_name_tenant_user_and_default_flag()
    {
        var json = """
            {
              "installationId": "c0ffee00-0000-0000-0000-000000000000",
              "subscriptions": [
                {"id": "11111111-1111-1111-1111-111111111111", "name": "Production", "state": "Enabled",
                 "user": {"name": "alice@example.com", "type": "user"}, "isDefault": true,
                 "tenantId": "99999999-9999-9999-9999-999999999999", "environmentName": "AzureCloud",
                 "homeTenantId": "99999999-9999-9999-9999-999999999999", "managedByTenants": []},
                {"id": "22222222-2222-2222-2222-222222222222", "name": "Sandbox", "isDefault": false,
                 "tenantId": "99999999-9999-9999-9999-999999999999", "user": {"name": "ci-bot", "type": "servicePrincipal"}}
              ]
            }
            """;
        _machine.Write("/home/alice/.azure/azureProfile.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)]);

        var context = _machine.Context();
        var entries = new CloudProfileCollector(windowsLayout: false).Collect(context).ToList();

        Assert.Equal(["alice:11111111-1111-1111-1111-111111111111", "alice:22222222-2222-2222-2222-222222222222"], entries.KeysOf("azure-subscription"));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["id"] = "11111111-1111-1111-1111-111111111111",
            ["name"] = "Production",
            ["tenantId"] = "99999999-9999-9999-9999-999999999999",
            ["user"] = "alice@example.com",
            ["isDefault"] = "true",
        }, entries.FieldsOf("azure-subscription", "alice:11111111-1111-1111-1111-111111111111"));
        Assert.Equal("false", entries.FieldsOf("azure-subscription", "alice:22222222-2222-2222-2222-222222222222")["isDefault"]);
        Assert.Empty(context.Problems);
    }

    [Fact]
    public void A_broken_azure_profile_is_a_problem_not_a_failure()
    {
        _machine.Write("/home/alice/.azure/azureProfile.json", "{ not json");

        var context = _machine.Context();
        var entries = new CloudProfileCollector(windowsLayout: false).Collect(context).ToList();

        Assert.Empty(entries);
        Assert.Single(context.Problems, problem => problem.StartsWith("/home/alice/.azure/azureProfile.json: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Gcloud_configurations_report_project_account_region_zone_and_which_is_active()
    {
        _machine.Write("/home/alice/.config/gcloud/configurations/config_default", "[core]\naccount = alice@example.com\nproject = shop-prod\n\n[compute]\nregion = europe-west1\nzone = europe-west1-b\n");
        _machine.Write("/home/alice/.config/gcloud/configurations/config_dev", "[core]\nproject = shop-dev\n");
        _machine.Write("/home/alice/.config/gcloud/active_config", "dev\n");

        var entries = new CloudProfileCollector(windowsLayout: false).Collect(_machine.Context()).ToList();

        Assert.Equal(["alice:default", "alice:dev"], entries.KeysOf("gcloud-configuration"));
        var fields = entries.FieldsOf("gcloud-configuration", "alice:default");
        Assert.Equal("shop-prod", fields["project"]);
        Assert.Equal("alice@example.com", fields["account"]);
        Assert.Equal("europe-west1", fields["region"]);
        Assert.Equal("europe-west1-b", fields["zone"]);
        Assert.Equal("false", fields["active"]);
        Assert.Equal("true", entries.FieldsOf("gcloud-configuration", "alice:dev")["active"]);
    }

    [Fact]
    public void Homes_are_root_the_existing_passwd_homes_and_home_directories()
    {
        _machine.CreateDirectory("/root");
        _machine.CreateDirectory("/home/alice");
        _machine.CreateDirectory("/home/ldap-user");
        _machine.CreateDirectory("/srv/svc");

        var homes = new CloudProfileCollector(windowsLayout: false).Homes(_machine.Context());

        Assert.Equal(new Dictionary<string, string>
        {
            ["/home/alice"] = "alice",
            ["/home/ldap-user"] = "ldap-user",
            ["/root"] = "root",
            ["/srv/svc"] = "svc",
        }, homes);
    }

    [Fact]
    public void Windows_homes_are_the_user_profiles_with_gcloud_under_app_data()
    {
        _machine.Write("/Users/carol/.aws/config", "[default]\nregion = ap-southeast-2\n");
        _machine.Write("/Users/carol/AppData/Roaming/gcloud/configurations/config_default", "[core]\nproject = carol-proj\n");
        _machine.Write("/Users/Public/.aws/config", "[default]\nregion = us-east-1\n");
        _machine.Write("/Users/Default/.aws/config", "[default]\nregion = us-east-1\n");

        var entries = new CloudProfileCollector(windowsLayout: true).Collect(_machine.Context()).ToList();

        Assert.Equal(["carol:default"], entries.KeysOf("aws-profile"));
        Assert.Equal("ap-southeast-2", entries.FieldsOf("aws-profile", "carol:default")["region"]);
        Assert.Equal("carol-proj", entries.FieldsOf("gcloud-configuration", "carol:default")["project"]);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/Admin", "123456789012")]
    [InlineData("arn:aws-us-gov:iam::123456789012:mfa/bob", "123456789012")]
    [InlineData("arn:aws:s3:::bucket-name", null)]
    [InlineData("not-an-arn", null)]
    public void Account_ids_are_taken_from_arns(string arn, string? account) =>
        Assert.Equal(account, CloudProfileCollector.AccountOfArn(arn));

    [Fact]
    public void On_this_machine_every_home_is_searched_and_none_holds_cloud_profiles()
    {
        var context = new CollectionContext("/");
        var collector = new CloudProfileCollector();

        var homes = collector.Homes(context);
        var entries = collector.Collect(context).ToList();

        Assert.Equal("root", homes["/root"]);
        Assert.Equal("cloudsdk", homes["/home/cloudsdk"]);
        Assert.Equal("postgres", homes["/var/lib/postgresql"]);
        Assert.DoesNotContain("/nonexistent", homes.Keys);
        Assert.DoesNotContain(homes.Keys, home => Directory.Exists(home + "/.aws") || Directory.Exists(home + "/.azure") || Directory.Exists(home + "/.config/gcloud"));
        Assert.Empty(entries);
        Assert.Empty(context.Problems);
    }
}

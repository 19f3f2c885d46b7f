using BitrixRetailCrm.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace BitrixRetailCrm.Tests.Deployment;

/// <summary>The AzureWebJobsStorage forms StorageClients accepts (no network: clients are only constructed).</summary>
[TestFixture]
public sealed class StorageEndpointsTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build()
            .GetSection(StorageClients.ConnectionName);

    [Test]
    public void Account_name_derives_the_global_service_uris()
    {
        var e = StorageEndpoints.Resolve(Section(("AzureWebJobsStorage:accountName", "stbxcrmprod"),
            ("AzureWebJobsStorage:credential", "managedidentity"), ("AzureWebJobsStorage:clientId", "1111-client")));
        Assert.Multiple(() =>
        {
            Assert.That(e.ConnectionString, Is.Null);
            Assert.That(e.QueueServiceUri, Is.EqualTo(new Uri("https://stbxcrmprod.queue.core.windows.net")));
            Assert.That(e.TableServiceUri, Is.EqualTo(new Uri("https://stbxcrmprod.table.core.windows.net")));
            Assert.That(e.BlobServiceUri, Is.EqualTo(new Uri("https://stbxcrmprod.blob.core.windows.net")));
            Assert.That(e.Credential, Is.EqualTo("managedidentity"));
            Assert.That(e.ClientId, Is.EqualTo("1111-client"));
        });
    }

    [Test]
    public void Service_uris_as_the_template_sets_them_win_over_the_account_name()
    {
        var e = StorageEndpoints.Resolve(Section(
            ("AzureWebJobsStorage:accountName", "ignored"),
            ("AzureWebJobsStorage:queueServiceUri", "https://st.queue.core.chinacloudapi.cn/"),
            ("AzureWebJobsStorage:tableServiceUri", "https://st.table.core.chinacloudapi.cn/")));
        Assert.That(e.QueueServiceUri.Host, Is.EqualTo("st.queue.core.chinacloudapi.cn"));
        Assert.That(e.TableServiceUri.Host, Is.EqualTo("st.table.core.chinacloudapi.cn"));
        Assert.That(e.BlobServiceUri.Host, Is.EqualTo("ignored.blob.core.windows.net"));
    }

    [Test]
    public void Environment_variable_names_with_double_underscores_work()
    {
        Environment.SetEnvironmentVariable("BXTEST_AzureWebJobsStorage__queueServiceUri", "https://a.queue.core.windows.net");
        Environment.SetEnvironmentVariable("BXTEST_AzureWebJobsStorage__tableServiceUri", "https://a.table.core.windows.net");
        try
        {
            var section = new ConfigurationBuilder().AddEnvironmentVariables("BXTEST_").Build().GetSection("AzureWebJobsStorage");
            var e = StorageEndpoints.Resolve(section);
            Assert.That(e.QueueServiceUri, Is.EqualTo(new Uri("https://a.queue.core.windows.net")));
            Assert.That(e.BlobServiceUri, Is.EqualTo(new Uri("https://a.blob.core.windows.net")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("BXTEST_AzureWebJobsStorage__queueServiceUri", null);
            Environment.SetEnvironmentVariable("BXTEST_AzureWebJobsStorage__tableServiceUri", null);
        }
    }

    [Test]
    public void A_connection_string_wins_over_identity_settings_as_in_the_host()
    {
        var e = StorageEndpoints.Resolve(Section(("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
            ("AzureWebJobsStorage:accountName", "other")));
        Assert.That(e.ConnectionString, Is.EqualTo("UseDevelopmentStorage=true"));
        var clients = StorageClients.FromConfiguration(Section(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));
        Assert.That(clients.Queues.AccountName, Is.EqualTo("devstoreaccount1"));
    }

    [Test]
    public void Identity_settings_build_clients_for_the_account_with_base64_messages()
    {
        var clients = StorageClients.FromConfiguration(Section(("AzureWebJobsStorage:accountName", "stbxcrm"),
            ("AzureWebJobsStorage:credential", "managedidentity"), ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));
        Assert.Multiple(() =>
        {
            Assert.That(clients.Queues.Uri, Is.EqualTo(new Uri("https://stbxcrm.queue.core.windows.net")));
            Assert.That(clients.Tables.Uri, Is.EqualTo(new Uri("https://stbxcrm.table.core.windows.net")));
            Assert.That(clients.Queues.AccountName, Is.EqualTo("stbxcrm"));
        });
    }

    [Test]
    public void Nothing_set_names_the_settings_to_give()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => StorageEndpoints.Resolve(Section()));
        Assert.That(ex!.Message, Does.Contain("AzureWebJobsStorage__accountName").And.Contain("AzureWebJobsStorage__queueServiceUri"));
        var partial = Assert.Throws<OptionsValidationException>(() => StorageEndpoints.Resolve(
            Section(("AzureWebJobsStorage:queueServiceUri", "https://a.queue.core.windows.net"))));
        Assert.That(partial!.Message, Does.Contain("AzureWebJobsStorage__tableServiceUri").And.Not.Contain("__queueServiceUri"));
    }

    [Test]
    public void A_plain_http_uri_other_than_loopback_is_refused()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => StorageEndpoints.Resolve(Section(
            ("AzureWebJobsStorage:queueServiceUri", "http://st.queue.core.windows.net"),
            ("AzureWebJobsStorage:tableServiceUri", "https://st.table.core.windows.net"))));
        Assert.That(ex!.Message, Does.Contain("queueServiceUri"));
        Assert.DoesNotThrow(() => StorageEndpoints.Resolve(Section(
            ("AzureWebJobsStorage:queueServiceUri", "http://127.0.0.1:10001/devstoreaccount1"),
            ("AzureWebJobsStorage:tableServiceUri", "http://127.0.0.1:10002/devstoreaccount1"))));
    }
}

namespace BitrixRetailCrm.LocalRunner;

/// <summary>
/// What points a runner at a Bitrix, a RetailCRM and a storage account, with its own keys: the settings the demo, the
/// benchmark and the tests each start from before adding theirs.
/// </summary>
public sealed record RunnerConnections(string Storage, Uri BitrixWebhookUrl, string BitrixApplicationToken, Uri CrmUrl,
    string CrmApiKey, string CrmWebhookSecret, string FunctionKey, string AdminKey)
{
    /// <summary>Configuration keys as the README names them (`Bitrix:WebhookUrl` is `Bitrix__WebhookUrl` as an app setting).</summary>
    public Dictionary<string, string?> ToSettings() => new()
    {
        ["AzureWebJobsStorage"] = Storage,
        ["Bitrix:WebhookUrl"] = BitrixWebhookUrl.ToString(),
        ["Bitrix:ApplicationToken"] = BitrixApplicationToken,
        ["RetailCrm:Url"] = CrmUrl.ToString(),
        ["RetailCrm:ApiKey"] = CrmApiKey,
        ["RetailCrm:WebhookSecret"] = CrmWebhookSecret,
        ["LocalRunner:FunctionKey"] = FunctionKey,
        ["LocalRunner:AdminKey"] = AdminKey,
    };
}

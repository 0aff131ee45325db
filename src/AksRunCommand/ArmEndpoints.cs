namespace AksRunCommand;

/// <summary>The Azure Resource Manager endpoints of the Azure clouds.</summary>
public static class ArmEndpoints
{
    /// <summary>Azure public cloud: <c>https://management.azure.com</c> (the default).</summary>
    public static Uri AzurePublicCloud { get; } = new("https://management.azure.com");

    /// <summary>Azure US Government: <c>https://management.usgovcloudapi.net</c>.</summary>
    public static Uri AzureUSGovernment { get; } = new("https://management.usgovcloudapi.net");

    /// <summary>Azure operated by 21Vianet (China): <c>https://management.chinacloudapi.cn</c>.</summary>
    public static Uri AzureChina { get; } = new("https://management.chinacloudapi.cn");
}

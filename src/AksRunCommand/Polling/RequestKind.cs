namespace AksRunCommand.Polling;

/// <summary>What a request is, for the budgets: ARM counts reads and writes apart; the resource provider limits run requests and polls together ("all other APIs"), and cluster reads in buckets of their own.</summary>
internal enum RequestKind
{
    /// <summary>The runCommand POST: an ARM write, under the learned rate.</summary>
    Run,

    /// <summary>A commandResults GET: an ARM read, under the learned rate.</summary>
    Poll,

    /// <summary>A managedClusters GET or LIST: an ARM read; the resource provider's own buckets for it are not the learned one.</summary>
    ClusterRead,
}

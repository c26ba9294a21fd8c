namespace AfterSales.Quality.ReadModels.Snapshots;

/// <summary>What became of a snapshot at start: restored, or why the read model is rebuilt from the events instead.</summary>
public enum SnapshotStatus
{
    /// <summary>The snapshot passed every check and was loaded; the read model catches up from its position.</summary>
    Restored,

    /// <summary>No snapshot was written under the name (a first start, or a store without one).</summary>
    Missing,

    /// <summary>The bytes end before the snapshot does (an interrupted copy).</summary>
    Truncated,

    /// <summary>The bytes are not a snapshot, or their checksum does not match their content.</summary>
    Corrupt,

    /// <summary>Written by another snapshot format, another library version, another fact layout, or for another read model.</summary>
    OtherVersion,

    /// <summary>Built under other settings (SLA policies, calendars, the desk's zone) than the host's.</summary>
    OtherSettings,

    /// <summary>The feed does not hold the event the snapshot ends at (another database, or one restored from an older backup).</summary>
    OtherFeed,
}

/// <summary>The outcome of restoring a read model from its snapshot. Immutable.</summary>
/// <param name="Status">Restored, or why not.</param>
/// <param name="Position">The feed position the read model is at now: the snapshot's when restored, else 0 (rebuilt from the events).</param>
/// <param name="Detail">Why a snapshot was not trusted, in words (empty when restored).</param>
public sealed record SnapshotRestoreResult(SnapshotStatus Status, long Position, string Detail)
{
    /// <summary>Whether the snapshot was loaded.</summary>
    public bool IsRestored => Status == SnapshotStatus.Restored;
}

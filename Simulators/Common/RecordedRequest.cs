namespace BitrixRetailCrm.Simulators.Common;

/// <summary>One request as the simulator answered it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, int StatusCode, DateTimeOffset Timestamp);

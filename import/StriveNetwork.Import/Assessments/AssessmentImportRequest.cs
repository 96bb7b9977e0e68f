using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Assessments;

/// <summary>A file of benchmark assessments to record for a partnership.</summary>
public sealed record AssessmentImportRequest(string Path, TableFormat Format, string PartnershipId);

using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Exports;
using Tenantra.Core.Identity;
using Tenantra.Core.Jobs;
using Tenantra.Data;
using Tenantra.Server.Audit;
using Tenantra.Server.Identity;
using Tenantra.Server.Platform;
using Tenantra.Server.Platform.Jobs;
using Tenantra.Server.Tenancy;

namespace Tenantra.Server.Exports;

public sealed record CreateExportRequest(string? Dataset, string? Format, IReadOnlyDictionary<string, string>? Filters) : IValidatedRequest
{
    public const int MaxFilters = 20;

    public void Validate(ValidationErrors errors)
    {
        errors.Required("dataset", Dataset, 64);
        if (!Enum.TryParse<ExportFormat>(Format, ignoreCase: true, out var format) || !Enum.IsDefined(format) || int.TryParse(Format, out _))
        {
            errors.Add("format", "must be csv, json, pdf or zip.");
        }

        if (Filters is { Count: > MaxFilters })
        {
            errors.Add("filters", $"must have at most {MaxFilters} entries.");
        }
    }
}

/// <summary>An export and its progress: status is queued, running, ready, failed or expired.</summary>
public sealed record ExportResponse(
    Guid Id, string Dataset, string Title, string Format, IReadOnlyDictionary<string, string> Filters, string Status, long RowsWritten,
    long? Rows, long? SizeBytes, string? Sha256, string? Error, string FileName, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Exports: a user asks for a dataset in a format with filters; a background job writes the file;
/// the user follows its progress, downloads it for a week, or deletes it. Each user sees their own
/// exports, and only of datasets whose permission they still hold.
/// </summary>
public static class ExportEndpoints
{
    public static void MapExportEndpoints(this IEndpointRouteBuilder routes)
    {
        var exports = routes.MapGroup("/api/v1/tenants/{tenantId:guid}/exports").WithTags("Exports");
        exports.MapGet("/", List).RequireTenant(Permission.TenantRead)
            .WithName("ListExports").WithSummary("The caller's exports in the tenant, newest first")
            .WithDescription("Paged; only exports of datasets the caller may still read.");
        exports.MapPost("/", Create).RequireTenant(Permission.TenantRead).Validates<CreateExportRequest>()
            .WithName("CreateExport").WithSummary("Start an export")
            .WithDescription("`dataset` (e.g. `audit-records`), `format` (csv, json, pdf — at most 10,000 rows — or zip: CSV and JSON with a SHA-256 manifest), `filters` as the dataset's list takes them. Answers 202; follow `status` and `rowsWritten`.");
        exports.MapGet("/{exportId:guid}", Get).RequireTenant(Permission.TenantRead)
            .WithName("GetExport").WithSummary("One export and its progress");
        exports.MapGet("/{exportId:guid}/file", Download).RequireTenant(Permission.TenantRead)
            .WithName("DownloadExport").WithSummary("Download a ready export")
            .WithDescription("The file as written; its SHA-256 is in the export. Each download is audited.");
        exports.MapDelete("/{exportId:guid}", Delete).RequireTenant(Permission.TenantRead)
            .WithName("DeleteExport").WithSummary("Delete an export and its file");
    }

    /// <summary>An export with its job's state (a member-init projection, so EF can still filter and sort on it).</summary>
    private sealed class Row
    {
        public required ExportFile Export { get; init; }

        public JobStatus? Status { get; init; }

        public long Done { get; init; }

        public string? Error { get; init; }
    }

    private static IQueryable<Row> Rows(TenantraDbContext db, Guid tenantId, Guid userId) =>
        from e in db.ExportFiles.Where(e => e.TenantId == tenantId && e.RequestedByUserId == userId)
        join j in db.Jobs on e.JobId equals j.Id into jobs
        from j in jobs.DefaultIfEmpty()
        select new Row { Export = e, Status = j == null ? null : j.Status, Done = j == null ? 0 : j.ProgressDone, Error = j == null ? null : j.LastError };

    private static async Task<Results<Ok<Paged<ExportResponse>>, ValidationProblem>> List(
        Guid tenantId, [AsParameters] PageRequest page, TenantraDbContext db, Caller caller, ExportAccess access, TimeProvider clock)
    {
        var readable = await access.ReadableDatasetsAsync();
        var query = Rows(db, tenantId, caller.UserId).Where(r => readable.Contains(r.Export.Dataset)).OrderByDescending(r => r.Export.CreatedAt).ThenByDescending(r => r.Export.Id);
        var rows = await query.ToPageAsync(page);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new Paged<ExportResponse>([.. rows.Items.Select(r => Response(r, access, now))], rows.Page, rows.PageSize, rows.Total));
    }

    private static async Task<Results<Accepted<ExportResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid tenantId, CreateExportRequest request, TenantraDbContext db, Caller caller, ExportAccess access, JobQueue jobs, TimeProvider clock)
    {
        if (access.Dataset(request.Dataset!) is not { } dataset)
        {
            return Problems.Field("dataset", $"is not a dataset that can be exported ({string.Join(", ", access.AllKeys)}).");
        }

        if (!await access.MayReadAsync(dataset))
        {
            return Problems.Forbidden($"Exporting {dataset.Title.ToLowerInvariant()} needs the {Permissions.ScopeName(dataset.Permission)} permission.");
        }

        var filters = request.Filters ?? new Dictionary<string, string>();
        var errors = new ValidationErrors();
        dataset.Validate(filters, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var now = clock.GetUtcNow();
        var export = new ExportFile
        {
            TenantId = tenantId,
            Dataset = dataset.Key,
            Format = Enum.Parse<ExportFormat>(request.Format!, ignoreCase: true).ToString().ToLowerInvariant(),
            Filters = JsonSerializer.Serialize(filters),
            RequestedByUserId = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now + ExportFile.Lifetime,
        };
        export.JobId = jobs.Enqueue(ExportJobHandler.Kind, tenantId, new ExportJobHandler.Payload(export.Id)).Id;
        db.ExportFiles.Add(export);
        await db.SaveChangesAsync();
        return TypedResults.Accepted($"/api/v1/tenants/{tenantId}/exports/{export.Id}", Response(new Row { Export = export, Status = JobStatus.Pending }, access, now));
    }

    private static async Task<Results<Ok<ExportResponse>, ProblemHttpResult>> Get(Guid tenantId, Guid exportId, TenantraDbContext db, Caller caller, ExportAccess access, TimeProvider clock) =>
        await FindAsync(db, tenantId, exportId, caller, access) is { } row
            ? TypedResults.Ok(Response(row, access, clock.GetUtcNow()))
            : Problems.NotFound("export");

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Download(
        Guid tenantId, Guid exportId, TenantraDbContext db, Caller caller, ExportAccess access, ExportStorage storage, AuditWriter audit, TimeProvider clock)
    {
        if (await FindAsync(db, tenantId, exportId, caller, access) is not { } row)
        {
            return Problems.NotFound("export");
        }

        var response = Response(row, access, clock.GetUtcNow());
        var path = storage.PathOf(row.Export);
        if (response.Status != "ready" || !File.Exists(path))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not ready", detail: $"The export is {response.Status}; only a ready export can be downloaded.");
        }

        await audit.StageAsync(tenantId, new AuditEvent("export.downloaded", "export", exportId, After: new { row.Export.Dataset, row.Export.Format, row.Export.Rows, row.Export.Sha256 }));
        await db.SaveChangesAsync();
        var format = row.Export.FormatOf();
        return TypedResults.PhysicalFile(path, format.ContentType(), response.FileName);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid tenantId, Guid exportId, TenantraDbContext db, Caller caller, ExportAccess access, ExportStorage storage, AuditWriter audit)
    {
        if (await FindAsync(db, tenantId, exportId, caller, access) is not { } row)
        {
            return Problems.NotFound("export");
        }

        db.ExportFiles.Remove(row.Export);
        await audit.StageAsync(tenantId, new AuditEvent("export.deleted", "export", exportId));
        await db.SaveChangesAsync();
        storage.Delete(row.Export);
        return TypedResults.NoContent();
    }

    private static async Task<Row?> FindAsync(TenantraDbContext db, Guid tenantId, Guid exportId, Caller caller, ExportAccess access)
    {
        var row = await Rows(db, tenantId, caller.UserId).SingleOrDefaultAsync(r => r.Export.Id == exportId);
        return row is not null && access.Dataset(row.Export.Dataset) is { } dataset && await access.MayReadAsync(dataset) ? row : null;
    }

    private static ExportResponse Response(Row row, ExportAccess access, DateTimeOffset now)
    {
        var e = row.Export;
        var status = now >= e.ExpiresAt ? "expired" : row.Status switch
        {
            JobStatus.Pending => "queued",
            JobStatus.Running => "running",
            JobStatus.Succeeded => "ready",
            _ => "failed",
        };
        var title = access.Dataset(e.Dataset)?.Title ?? e.Dataset;
        var fileName = $"{e.Dataset}-{e.CreatedAt.UtcDateTime:yyyyMMdd-HHmmss}{e.FormatOf().FileExtension()}";
        var filters = JsonSerializer.Deserialize<Dictionary<string, string>>(e.Filters) ?? [];
        return new ExportResponse(e.Id, e.Dataset, title, e.Format, filters, status, e.Rows ?? row.Done, e.Rows, e.SizeBytes, e.Sha256,
            status == "failed" ? row.Error : null, fileName, e.CreatedAt, e.CompletedAt, e.ExpiresAt);
    }
}

/// <summary>The registered datasets, and which of them the current caller may read in the route's tenant (the same check as the endpoints' own).</summary>
public sealed class ExportAccess(IEnumerable<IExportDataset> datasets, IAuthorizationService authorization, IHttpContextAccessor http)
{
    private readonly Dictionary<string, IExportDataset> _datasets = datasets.ToDictionary(d => d.Key, StringComparer.Ordinal);
    private readonly Dictionary<Permission, bool> _decided = [];

    public IEnumerable<string> AllKeys => _datasets.Keys.Order(StringComparer.Ordinal);

    public IExportDataset? Dataset(string key) => _datasets.GetValueOrDefault(key);

    public async Task<bool> MayReadAsync(IExportDataset dataset)
    {
        if (!_decided.TryGetValue(dataset.Permission, out var allowed))
        {
            var result = await authorization.AuthorizeAsync(http.HttpContext!.User, null, [new TenantRequirement(dataset.Permission)]);
            _decided[dataset.Permission] = allowed = result.Succeeded;
        }

        return allowed;
    }

    public async Task<List<string>> ReadableDatasetsAsync()
    {
        var readable = new List<string>();
        foreach (var dataset in _datasets.Values)
        {
            if (await MayReadAsync(dataset))
            {
                readable.Add(dataset.Key);
            }
        }

        return readable;
    }
}

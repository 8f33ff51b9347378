import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { OptionList } from "../../components/OptionList";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { DialogFormActions } from "../../components/DialogFormActions";
import { formatDate } from "../../components/format";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, ErrorState, Spinner } from "../../components/States";
import { StaticTable } from "../../components/StaticTable";
import { Tabs } from "../../components/Tabs";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import { useAssetGroups } from "../assets/queries";
import { severities, SeverityBadge, SeverityOptions, type Severity } from "../notifications/words";
import { can, useFeatures, useTenantId } from "../shell/tenant";
import { integrityKey, useSeverityRules } from "./queries";
import { categoryLabel, categoryOptions } from "./words";

const tabs = [
  { id: "rules", label: "Severity rules" },
  { id: "suppressions", label: "Suppressions" },
  { id: "golden", label: "Golden baselines" },
] as const;
type TabId = (typeof tabs)[number]["id"];

/** How drift is judged in this tenant: severity rules, suppressions and golden baselines. */
export function IntegritySettingsPage() {
  const tenantId = useTenantId();
  const manage = can(useFeatures(tenantId).data, "integrity:manage");
  const [tab, setTab] = useState<TabId>("rules");
  return (
    <>
      <PageHeader
        title="Baselines and rules"
        description="Severity rules decide how serious each change is; suppressions silence drift you never want to hear about; golden baselines say what every asset of a group should have. Changes apply to drift detected from now on and are audited."
      />
      {!manage && (
        <div className="mb-4">
          <Alert tone="info">You can read these settings; changing them needs the integrity:manage permission (administrators).</Alert>
        </div>
      )}
      <Tabs label="Integrity settings" tabs={tabs} selected={tab} onSelect={setTab}>
        {tab === "rules" && <RulesTab tenantId={tenantId} manage={manage} />}
        {tab === "suppressions" && <SuppressionsTab tenantId={tenantId} manage={manage} />}
        {tab === "golden" && <GoldenTab tenantId={tenantId} manage={manage} />}
      </Tabs>
    </>
  );
}

type Rule = Schemas["SeverityRuleResponse"];

function describeMatch(match: Schemas["RuleMatch"]): string {
  const parts = [
    match.categories?.length ? `in ${match.categories.map(categoryLabel).join(", ")}` : null,
    match.kinds?.length ? `kinds ${match.kinds.join(", ")}` : null,
    match.changes?.length ? `when ${match.changes.join(" or ")}` : null,
    match.keyPattern ? `key ~ /${match.keyPattern}/` : null,
    ...(match.conditions ?? []).map(
      (c) => `${c.fields.join("|")}${c.matches ? ` ~ /${c.matches}/` : ""}${c.gained ? " (newly)" : ""}${c.changed ? " (changed)" : ""}`,
    ),
  ].filter(Boolean);
  return parts.join("; ") || "every change";
}

function RulesTab({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const rules = useSeverityRules(tenantId);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = async (rule: Rule, severity: Severity, enabled: boolean) => {
    setError(null);
    try {
      unwrap(
        await api.PUT("/api/v1/tenants/{tenantId}/integrity/rules/{ruleKey}", {
          params: { path: { tenantId, ruleKey: rule.key } },
          body: { severity, enabled },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
      toast.show(`${rule.title}: ${enabled ? severity : "off"}.`);
    } catch (problem) {
      setError(problem instanceof Error ? problem.message : String(problem));
    }
  };
  const remove = async (rule: Rule) => {
    unwrap(await api.DELETE("/api/v1/tenants/{tenantId}/integrity/rules/{ruleKey}", { params: { path: { tenantId, ruleKey: rule.key } } }));
    await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
    toast.show(rule.custom ? `${rule.title} deleted.` : `${rule.title} is back to its default.`);
  };
  const columns: ColumnDef<Rule, unknown>[] = [
    {
      header: "Rule",
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span className="font-medium">{row.original.title}</span>
          <span className="text-xs text-muted">
            <code>{row.original.key}</code> · {describeMatch(row.original.match)}
          </span>
        </span>
      ),
    },
    {
      header: "Severity",
      cell: ({ row }) =>
        manage ? (
          <select
            aria-label={`Severity of ${row.original.title}`}
            className={inputClass}
            value={row.original.severity}
            onChange={(e) => set(row.original, e.target.value as Severity, row.original.enabled)}
          >
            <SeverityOptions />
          </select>
        ) : (
          <SeverityBadge severity={row.original.severity} />
        ),
    },
    {
      header: "On",
      cell: ({ row }) =>
        manage ? (
          <input
            type="checkbox"
            aria-label={`${row.original.title} is on`}
            checked={row.original.enabled}
            onChange={(e) => set(row.original, row.original.severity, e.target.checked)}
          />
        ) : row.original.enabled ? (
          "yes"
        ) : (
          "no"
        ),
    },
    {
      header: "Source",
      cell: ({ row }) =>
        row.original.custom ? (
          <Badge tone="accent">own</Badge>
        ) : row.original.shippedSeverity !== row.original.severity || !row.original.enabled ? (
          <Badge tone="warn">shipped, changed</Badge>
        ) : (
          <Badge>shipped</Badge>
        ),
    },
    ...(manage
      ? [
          {
            header: "Actions",
            cell: ({ row }: { row: { original: Rule } }) =>
              row.original.custom || row.original.shippedSeverity !== row.original.severity || !row.original.enabled ? (
                <Button onClick={() => remove(row.original)}>{row.original.custom ? "Delete" : "Reset"}</Button>
              ) : null,
          } satisfies ColumnDef<Rule, unknown>,
        ]
      : []),
  ];
  if (rules.isPending) return <Spinner />;
  if (rules.isError) return <ErrorState error={rules.error} onRetry={() => rules.refetch()} />;
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">
        The highest severity of the rules a change matches is its severity; a change no rule matches is low. High and critical drift is notified.
      </p>
      {error && <Alert tone="error">{error}</Alert>}
      {manage && (
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add a rule…
        </Button>
      )}
      <StaticTable label="Severity rules" columns={columns} rows={rules.data} getRowId={(r) => r.key} empty={<EmptyState title="No rules" />} />
      {adding && <AddRuleDialog tenantId={tenantId} onClose={() => setAdding(false)} />}
    </div>
  );
}

const ruleSchema = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "Lowercase letters, digits and dashes."),
  title: z.string().trim().min(1, "Give it a title.").max(200),
  severity: z.enum(severities),
  category: z.string(),
  kinds: z.string().max(500),
  changes: z.enum(["any", "added", "removed", "modified"]),
  keyPattern: z.string().max(500),
  field: z.string().max(64),
  fieldPattern: z.string().max(500),
});

function AddRuleDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(ruleSchema, {
    key: "",
    title: "",
    severity: "high",
    category: "",
    kinds: "",
    changes: "any",
    keyPattern: "",
    field: "",
    fieldPattern: "",
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(
    async (v) => {
      const kinds = v.kinds
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean);
      const match = {
        categories: v.category ? [v.category] : undefined,
        kinds: kinds.length ? kinds : undefined,
        changes: v.changes === "any" ? undefined : [v.changes as Schemas["EntryChangeKind"]],
        keyPattern: v.keyPattern || undefined,
        conditions: v.field ? [{ fields: [v.field], matches: v.fieldPattern || undefined, gained: false, changed: false }] : undefined,
      };
      unwrap(
        await api.POST("/api/v1/tenants/{tenantId}/integrity/rules", {
          params: { path: { tenantId } },
          body: { key: v.key, title: v.title, severity: v.severity as Severity, enabled: true, match },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
      toast.show(`Rule ${v.title} added.`);
      onClose();
    },
    (field) =>
      field === "match.keyPattern"
        ? "keyPattern"
        : field.startsWith("match.conditions")
          ? "fieldPattern"
          : field.startsWith("match.categories")
            ? "category"
            : ["key", "title", "severity"].includes(field)
              ? field
              : undefined,
  );
  return (
    <Dialog open wide title="Add a severity rule" onClose={onClose}>
      <form className="grid gap-3 sm:grid-cols-2" onSubmit={submit} noValidate>
        <FormField label="Key" hint="e.g. backup-cron-jobs" error={errors.key?.message}>
          <input className={inputClass} {...form.register("key")} />
        </FormField>
        <FormField label="Title" error={errors.title?.message}>
          <input className={inputClass} {...form.register("title")} />
        </FormField>
        <FormField label="Severity" error={errors.severity?.message}>
          <select className={inputClass} {...form.register("severity")}>
            <SeverityOptions />
          </select>
        </FormField>
        <FormField label="Category" error={errors.category?.message}>
          <select className={inputClass} {...form.register("category")}>
            <option value="">Any</option>
            <OptionList options={categoryOptions} />
          </select>
        </FormField>
        <FormField label="Kinds" hint="Comma-separated, e.g. cron-entry, systemd-unit; empty for any." error={errors.kinds?.message}>
          <input className={inputClass} {...form.register("kinds")} />
        </FormField>
        <FormField label="Change" error={errors.changes?.message}>
          <select className={inputClass} {...form.register("changes")}>
            <option value="any">Any</option>
            <option value="added">Added</option>
            <option value="removed">Removed</option>
            <option value="modified">Modified</option>
          </select>
        </FormField>
        <FormField label="Key pattern" hint="A regular expression, case-insensitive." error={errors.keyPattern?.message}>
          <input className={inputClass} {...form.register("keyPattern")} />
        </FormField>
        <FormField label="Field" hint="e.g. command, ExecStart, imagePath" error={errors.field?.message}>
          <input className={inputClass} {...form.register("field")} />
        </FormField>
        <FormField label="Field pattern" hint="A regular expression the field's value must match." error={errors.fieldPattern?.message}>
          <input className={inputClass} {...form.register("fieldPattern")} />
        </FormField>
        <div className="sm:col-span-2">
          <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel="Add rule" />
        </div>
      </form>
    </Dialog>
  );
}

type Suppression = Schemas["SuppressionResponse"];

function SuppressionsTab({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const suppressions = useQuery({
    queryKey: [...integrityKey(tenantId), "suppressions"],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/integrity/suppressions", { params: { path: { tenantId } } })),
  });
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Suppression | null>(null);
  const columns: ColumnDef<Suppression, unknown>[] = [
    { header: "Key pattern", cell: ({ row }) => <code className="break-all">{row.original.keyPattern}</code> },
    {
      header: "Applies to",
      cell: ({ row }) =>
        [
          row.original.category && categoryLabel(row.original.category),
          row.original.kind,
          row.original.field && `field ${row.original.field} only`,
          row.original.assetId && "one asset",
        ]
          .filter(Boolean)
          .join(" · ") || "everything",
    },
    { header: "Why", cell: ({ row }) => row.original.comment },
    { header: "Added", meta: { hideBelow: "md" }, cell: ({ row }) => formatDate(row.original.createdAt) },
    ...(manage
      ? [
          {
            header: "Actions",
            cell: ({ row }: { row: { original: Suppression } }) => <Button onClick={() => setDeleting(row.original)}>Delete</Button>,
          } satisfies ColumnDef<Suppression, unknown>,
        ]
      : []),
  ];
  if (suppressions.isPending) return <Spinner />;
  if (suppressions.isError) return <ErrorState error={suppressions.error} onRetry={() => suppressions.refetch()} />;
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">Drift whose key matches a suppression raises no event. With a field, only changes of that field are ignored.</p>
      {manage && (
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add a suppression…
        </Button>
      )}
      <StaticTable
        label="Suppressions"
        columns={columns}
        rows={suppressions.data}
        getRowId={(s) => s.id}
        empty={
          <EmptyState title="No suppressions">
            All drift raises events. Add one for changes you never want to hear about, such as a unit updated by every package upgrade.
          </EmptyState>
        }
      />
      {adding && <AddSuppressionDialog tenantId={tenantId} onClose={() => setAdding(false)} />}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this suppression?"
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          unwrap(
            await api.DELETE("/api/v1/tenants/{tenantId}/integrity/suppressions/{suppressionId}", {
              params: { path: { tenantId, suppressionId: deleting!.id } },
            }),
          );
          await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
          toast.show("Suppression deleted.");
        }}
      >
        Drift matching <code>{deleting?.keyPattern}</code> raises events again from the next evaluation.
      </ConfirmDialog>
    </div>
  );
}

const suppressionSchema = z.object({
  keyPattern: z.string().trim().min(1, "Give a key or a pattern.").max(1024),
  category: z.string(),
  kind: z.string().max(64),
  field: z.string().max(64),
  comment: z.string().trim().min(1, "Say why.").max(500),
});

function AddSuppressionDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(suppressionSchema, { keyPattern: "", category: "", kind: "", field: "", comment: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async (v) => {
    unwrap(
      await api.POST("/api/v1/tenants/{tenantId}/integrity/suppressions", {
        params: { path: { tenantId } },
        body: { keyPattern: v.keyPattern, category: v.category || undefined, kind: v.kind || undefined, field: v.field || undefined, comment: v.comment },
      }),
    );
    await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
    toast.show("Suppression added.");
    onClose();
  });
  return (
    <Dialog open title="Add a suppression" onClose={onClose}>
      <form className="space-y-3" onSubmit={submit} noValidate>
        <FormField label="Key pattern" hint="The entry's key; * matches any run of characters, ? one. e.g. apt-*.service" error={errors.keyPattern?.message}>
          <input className={inputClass} {...form.register("keyPattern")} />
        </FormField>
        <FormField label="Category" error={errors.category?.message}>
          <select className={inputClass} {...form.register("category")}>
            <option value="">Any</option>
            <OptionList options={categoryOptions} />
          </select>
        </FormField>
        <FormField label="Kind (optional)" hint="e.g. systemd-unit" error={errors.kind?.message}>
          <input className={inputClass} {...form.register("kind")} />
        </FormField>
        <FormField label="Only this field (optional)" hint="e.g. sha256: ignore hash changes, keep the rest." error={errors.field?.message}>
          <input className={inputClass} {...form.register("field")} />
        </FormField>
        <FormField label="Why?" error={errors.comment?.message}>
          <input className={inputClass} {...form.register("comment")} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel="Add suppression" />
      </form>
    </Dialog>
  );
}

type Golden = Schemas["GoldenBaselineResponse"];

function GoldenTab({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const golden = useQuery({
    queryKey: [...integrityKey(tenantId), "golden"],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/integrity/golden-baselines", { params: { path: { tenantId } } })),
  });
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Golden | null>(null);
  const columns: ColumnDef<Golden, unknown>[] = [
    {
      header: "Applies to",
      cell: ({ row }) => <span className="font-medium">{row.original.groupName ?? (row.original.groupId ? "a group" : "The whole tenant")}</span>,
    },
    { header: "Category", cell: ({ row }) => categoryLabel(row.original.category) },
    { header: "Entries", cell: ({ row }) => row.original.entryCount.toLocaleString() },
    { header: "Followers", cell: ({ row }) => row.original.followers.toLocaleString() },
    {
      header: "Changed",
      meta: { hideBelow: "md" },
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span>
            {formatDate(row.original.updatedAt)} · revision {row.original.revision}
          </span>
          {row.original.comment && <span className="text-xs text-muted">{row.original.comment}</span>}
        </span>
      ),
    },
    ...(manage
      ? [
          {
            header: "Actions",
            cell: ({ row }: { row: { original: Golden } }) => <Button onClick={() => setDeleting(row.original)}>Delete</Button>,
          } satisfies ColumnDef<Golden, unknown>,
        ]
      : []),
  ];
  if (golden.isPending) return <Spinner />;
  if (golden.isError) return <ErrorState error={golden.error} onRetry={() => golden.refetch()} />;
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">
        A golden baseline is what every asset of a group (or of the tenant) should have in a category. New assets follow it from their first snapshot; an
        asset's approved drift is kept as its own override.
      </p>
      {manage && (
        <Button variant="primary" onClick={() => setAdding(true)}>
          Make a golden baseline…
        </Button>
      )}
      <StaticTable
        label="Golden baselines"
        columns={columns}
        rows={golden.data}
        getRowId={(g) => g.id}
        empty={
          <EmptyState title="No golden baselines">
            Each asset's first snapshot is its baseline. Make a golden one from a reference machine to hold a group to one standard.
          </EmptyState>
        }
      />
      {adding && <AddGoldenDialog tenantId={tenantId} onClose={() => setAdding(false)} />}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this golden baseline?"
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          unwrap(
            await api.DELETE("/api/v1/tenants/{tenantId}/integrity/golden-baselines/{goldenBaselineId}", {
              params: { path: { tenantId, goldenBaselineId: deleting!.id } },
            }),
          );
          await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
          toast.show("Golden baseline deleted; its followers keep what they were expected to have.");
        }}
      >
        Its {deleting?.followers.toLocaleString()} followers keep what they are expected to have now, as their own baselines. Nothing is re-baselined.
      </ConfirmDialog>
    </div>
  );
}

const goldenSchema = z.object({
  groupId: z.string(),
  category: z.string().min(1),
  assetId: z.string().min(1, "Choose the reference asset."),
  applyToAssets: z.boolean(),
  comment: z.string().trim().min(1, "Say why.").max(2000),
});

function AddGoldenDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const groups = useAssetGroups(tenantId);
  const assets = useQuery({
    queryKey: ["assets", tenantId, "golden-choice"],
    queryFn: async () => unwrap(await api.GET("/api/v1/tenants/{tenantId}/assets", { params: { path: { tenantId }, query: { pageSize: 200 } } })),
  });
  const form = useApiForm(goldenSchema, { groupId: "", category: "services", assetId: "", applyToAssets: false, comment: "" });
  const { errors, isSubmitting } = form.formState;
  const submit = form.submitWith(async (v) => {
    unwrap(
      await api.POST("/api/v1/tenants/{tenantId}/integrity/golden-baselines", {
        params: { path: { tenantId } },
        body: { groupId: v.groupId || undefined, category: v.category, assetId: v.assetId, applyToAssets: v.applyToAssets, comment: v.comment },
      }),
    );
    await queryClient.invalidateQueries({ queryKey: integrityKey(tenantId) });
    toast.show("Golden baseline saved; its followers are evaluated again.");
    onClose();
  });
  return (
    <Dialog open title="Make a golden baseline" onClose={onClose}>
      <form className="space-y-3" onSubmit={submit} noValidate>
        <FormField label="For" error={errors.groupId?.message}>
          <select className={inputClass} {...form.register("groupId")}>
            <option value="">The whole tenant</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                Group {g.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Category" error={errors.category?.message}>
          <select className={inputClass} {...form.register("category")}>
            <OptionList options={categoryOptions} />
          </select>
        </FormField>
        <FormField label="From the current state of" error={errors.assetId?.message}>
          <select className={inputClass} {...form.register("assetId")}>
            <option value="">Choose an asset</option>
            {(assets.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.hostname}
              </option>
            ))}
          </select>
        </FormField>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" {...form.register("applyToAssets")} /> Make every asset it applies to follow it now
        </label>
        <FormField label="Why?" error={errors.comment?.message}>
          <input className={inputClass} {...form.register("comment")} />
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel="Save golden baseline" />
      </form>
    </Dialog>
  );
}

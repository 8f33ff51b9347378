import { useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Link } from "react-router";
import { z } from "zod";
import type { Schemas } from "../../api/client";
import { Badge, statusTone } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DataTable, FilterSelect } from "../../components/DataTable";
import { Dialog } from "../../components/Dialog";
import { FormField, inputClass } from "../../components/FormField";
import { PageHeader } from "../../components/PageHeader";
import { useToast } from "../../components/Toasts";
import { useApiForm } from "../../components/useApiForm";
import type { ListParams } from "../../components/useListParams";
import { useServerList } from "../../components/useServerList";
import { formatDate } from "../../components/format";
import type { PageOf } from "../../components/csv";
import { useTenantActions } from "./useTenantActions";
import { DialogFormActions } from "../../components/DialogFormActions";

type Summary = Schemas["TenantSummary"];
export type TenantListQuery = ListParams<"status">["query"];

interface TenantListProps {
  title: string;
  description: string;
  /** "customer" or "MSP": used in labels. */
  noun: string;
  queryKey: readonly unknown[];
  fetchPage: (query: TenantListQuery) => Promise<PageOf<Summary>>;
  create?: (body: { name: string; timeZone?: string }) => Promise<Summary | Schemas["TenantResponse"]>;
  showCustomerCount: boolean;
}

const statusOptions = ["active", "suspended", "deleted"].map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }));

/** Customers of an MSP or MSPs of the platform: counts, create, suspend/resume, delete with grace, restore. */
export function TenantList({ title, description, noun, queryKey, fetchPage, create, showCustomerCount }: TenantListProps) {
  const list = useServerList(queryKey, fetchPage, ["status"] as const, "name");
  const params = list.params;
  const [creating, setCreating] = useState(false);
  const [confirming, setConfirming] = useState<{ tenant: Summary; action: "suspend" | "delete" } | null>(null);
  const actions = useTenantActions(queryKey);

  const columns: ColumnDef<Summary, unknown>[] = [
    {
      header: "Name",
      meta: { sortKey: "name" },
      cell: ({ row }) => (
        <Link className="font-medium text-accent hover:underline" to={`/t/${row.original.id}`}>
          {row.original.name}
        </Link>
      ),
    },
    { header: "Status", meta: { sortKey: "status" }, cell: ({ row }) => <Badge tone={statusTone(row.original.status)}>{row.original.status}</Badge> },
    { header: "Members", cell: ({ row }) => row.original.memberCount },
    ...(showCustomerCount ? [{ header: "Customers", cell: ({ row }) => row.original.customerCount } satisfies ColumnDef<Summary, unknown>] : []),
    { header: "Created", meta: { sortKey: "createdAt", hideBelow: "md" }, cell: ({ row }) => formatDate(row.original.createdAt) },
    {
      header: "Actions",
      cell: ({ row }) => {
        const t = row.original;
        return (
          <div className="flex flex-wrap gap-1">
            {t.status === "active" && (
              <Button onClick={() => setConfirming({ tenant: t, action: "suspend" })} aria-label={`Suspend ${t.name}`}>
                Suspend
              </Button>
            )}
            {t.status === "suspended" && (
              <Button
                busy={actions.resume.isPending && actions.resume.variables?.id === t.id}
                onClick={() => actions.resume.mutate(t)}
                aria-label={`Resume ${t.name}`}
              >
                Resume
              </Button>
            )}
            {t.status === "deleted" ? (
              <Button
                busy={actions.restore.isPending && actions.restore.variables?.id === t.id}
                onClick={() => actions.restore.mutate(t)}
                aria-label={`Restore ${t.name}`}
              >
                Restore
              </Button>
            ) : (
              <Button variant="danger-ghost" onClick={() => setConfirming({ tenant: t, action: "delete" })} aria-label={`Delete ${t.name}`}>
                Delete
              </Button>
            )}
          </div>
        );
      },
    },
  ];

  const plural = `${noun}s`;
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          create && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              Create {noun}
            </Button>
          )
        }
      />
      <DataTable
        label={plural[0]!.toUpperCase() + plural.slice(1)}
        columns={columns}
        list={list}
        getRowId={(t) => t.id}
        searchLabel={`Search ${plural}`}
        filters={<FilterSelect label="Status" name="status" params={params} options={statusOptions} />}
        empty={{
          title: `No ${plural} yet`,
          body: `Create the first ${noun} to start managing it here.`,
          action: create && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              Create {noun}
            </Button>
          ),
        }}
        csv={{
          filename: `${plural.replace(/\s/g, "-")}.csv`,
          columns: [
            { header: "Name", value: (t) => t.name },
            { header: "Status", value: (t) => t.status },
            { header: "Members", value: (t) => t.memberCount },
            { header: "Customers", value: (t) => t.customerCount },
            { header: "Created", value: (t) => t.createdAt },
            { header: "Id", value: (t) => t.id },
          ],
        }}
      />
      {create && <CreateTenantDialog noun={noun} open={creating} onClose={() => setCreating(false)} create={create} queryKey={queryKey} />}
      <ConfirmDialog
        open={confirming !== null}
        title={`${confirming?.action === "suspend" ? "Suspend" : "Delete"} ${confirming?.tenant.name ?? ""}?`}
        confirmLabel={`${confirming?.action === "suspend" ? "Suspend" : "Delete"} ${noun}`}
        onConfirm={() => (confirming!.action === "suspend" ? actions.suspend : actions.remove).mutateAsync(confirming!.tenant)}
        onClose={() => setConfirming(null)}
      >
        {confirming?.action === "suspend"
          ? "Its users lose access at once; its data is kept. Resume it to give access back."
          : "Its users lose access at once. The data is kept for 30 days, during which you can restore it; after that it is purged for good."}
      </ConfirmDialog>
    </>
  );
}

const createSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(200),
  timeZone: z.string().trim().max(64),
});

function CreateTenantDialog({
  noun,
  open,
  onClose,
  create,
  queryKey,
}: {
  noun: string;
  open: boolean;
  onClose: () => void;
  create: NonNullable<TenantListProps["create"]>;
  queryKey: readonly unknown[];
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useApiForm(createSchema, { name: "", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC" });
  const { errors, isSubmitting } = form.formState;
  const close = () => {
    form.reset();
    onClose();
  };
  const submit = form.submitWith(async ({ name, timeZone }) => {
    await create({ name, timeZone: timeZone || undefined });
    await queryClient.invalidateQueries({ queryKey });
    toast.show(`Created ${noun} ${name}.`);
    close();
  });
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return (
    <Dialog open={open} title={`Create ${noun}`} onClose={close}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <FormField label="Name" error={errors.name?.message}>
          <input className={inputClass} autoFocus {...form.register("name")} />
        </FormField>
        <FormField label="Time zone" error={errors.timeZone?.message} hint="Used for quiet hours and reports, e.g. Europe/Berlin.">
          <input className={inputClass} list="time-zones" {...form.register("timeZone")} />
        </FormField>
        <datalist id="time-zones">
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <DialogFormActions error={errors.root?.message} onCancel={close} busy={isSubmitting} submitLabel={"Create"} />
      </form>
    </Dialog>
  );
}

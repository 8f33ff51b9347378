import { useRef, useState } from "react";
import { z } from "zod";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { FormField, inputClass } from "../../components/FormField";
import { SecretOnce } from "../../components/SecretOnce";
import { useApiForm } from "../../components/useApiForm";
import { DialogFormActions } from "../../components/DialogFormActions";

type Created = Schemas["CreatedEnrollmentTokenResponse"];

/** An empty number input is no value (the field is optional), not zero. */
const optionalNumber = (value: unknown) => (value === "" || value === undefined ? undefined : Number(value));

const schema = z
  .object({
    label: z.string().trim().min(1, "Name the token after where it is used, e.g. the office or the rollout.").max(100, "At most 100 characters."),
    neverExpires: z.boolean(),
    expiresInDays: z.number({ error: "Enter a number of days." }).int("Whole days only.").min(1, "At least 1 day.").max(365, "At most 365 days.").optional(),
    maxUses: z
      .number({ error: "Enter a number, or leave it empty." })
      .int("Whole numbers only.")
      .min(1, "At least 1.")
      .max(100_000, "At most 100000.")
      .optional(),
    assetGroupId: z.string(),
  })
  .superRefine((values, context) => {
    if (!values.neverExpires && values.expiresInDays === undefined) {
      context.addIssue({ code: "custom", path: ["expiresInDays"], message: "Enter a number of days, or choose that it never expires." });
    }
  });

/**
 * Creating an enrollment token: the form, then (in place of it) the token and the install commands,
 * which the server returns this once.
 */
export function CreateEnrollmentToken({
  tenantId,
  groups,
  onCreated,
  onClose,
}: {
  tenantId: string;
  groups: Schemas["AssetGroupResponse"][];
  onCreated: (created: Created) => Promise<void>;
  onClose: () => void;
}) {
  const [created, setCreated] = useState<Created | null>(null);
  const form = useApiForm(schema, { label: "", neverExpires: false, expiresInDays: 30, maxUses: undefined, assetGroupId: "" });
  const { errors, isSubmitting } = form.formState;
  const neverExpires = form.watch("neverExpires");
  const submit = form.submitWith(async ({ label, neverExpires, expiresInDays, maxUses, assetGroupId }) => {
    const body = { label, expiresInDays: neverExpires ? null : expiresInDays, maxUses: maxUses ?? null, assetGroupId: assetGroupId || null };
    const result = unwrap(await api.POST("/api/v1/tenants/{tenantId}/enrollment-tokens", { params: { path: { tenantId } }, body }));
    await onCreated(result);
    setCreated(result);
  });

  if (created) {
    return (
      <Dialog
        key="created"
        open
        wide
        title={`Enrollment token ${created.enrollmentToken.label} created`}
        onClose={onClose}
        footer={<Button onClick={onClose}>Done</Button>}
      >
        <SecretOnce label="Enrollment token" value={created.token}>
          The install commands below contain it. Copy what you need now.
        </SecretOnce>
        {Object.entries(created.installInstructions).map(([os, commands]) => (
          <InstallCommands key={os} os={os} commands={commands} />
        ))}
      </Dialog>
    );
  }

  return (
    <Dialog key="form" open title="Create enrollment token" onClose={onClose}>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <FormField label="Label" error={errors.label?.message}>
          <input className={inputClass} autoFocus {...form.register("label")} />
        </FormField>
        <div className="grid items-start gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-2">
            <FormField label="Expires after (days)" error={errors.expiresInDays?.message}>
              <input
                className={`${inputClass} disabled:opacity-50`}
                type="number"
                min={1}
                max={365}
                {...form.register("expiresInDays", { setValueAs: optionalNumber, disabled: neverExpires })}
              />
            </FormField>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" {...form.register("neverExpires")} /> Never expires
            </label>
          </div>
          <FormField label="Maximum uses" hint="Empty for no limit." error={errors.maxUses?.message}>
            <input className={inputClass} type="number" min={1} {...form.register("maxUses", { setValueAs: optionalNumber })} />
          </FormField>
        </div>
        {neverExpires && (
          <Alert tone="warning">
            Tokens that never expire are flagged in the list: whoever gets hold of one can enroll machines into this tenant until it is revoked. Prefer an
            expiry and a use limit.
          </Alert>
        )}
        <FormField label="Asset group" hint="Agents enrolled with this token join the group." error={errors.assetGroupId?.message}>
          <select className={inputClass} {...form.register("assetGroupId")}>
            <option value="">No group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </FormField>
        <DialogFormActions error={errors.root?.message} onCancel={onClose} busy={isSubmitting} submitLabel={"Create"} />
      </form>
    </Dialog>
  );
}

const osNames: Record<string, string> = { linux: "Linux", windows: "Windows" };

/** Ready-to-paste install commands for one operating system, scrollable and copyable. */
function InstallCommands({ os, commands }: { os: string; commands: string }) {
  const name = osNames[os] ?? os;
  const pre = useRef<HTMLPreElement>(null);
  return (
    <div className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold">{name}</h3>
      <pre
        ref={pre}
        role="region"
        aria-label={`${name} install commands`}
        tabIndex={0}
        className="overflow-x-auto rounded-md border border-line bg-raised p-3 font-mono text-xs text-ink"
      >
        {commands}
      </pre>
      <CopyButton
        value={commands}
        label={`Copy ${name} commands`}
        selectText={() => {
          if (pre.current) window.getSelection()?.selectAllChildren(pre.current);
        }}
      />
    </div>
  );
}

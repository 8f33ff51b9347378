import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { ApiProblem, humanise, problemMessage } from "../api/problems";

/**
 * Where a problem's field error goes in the form: the form path of the field the server names
 * (`rules[0].minSeverity` may be `rules.3.minSeverity` when the form lays fields out differently
 * from the request), or undefined for the form's own error.
 */
export type FieldPlacement = (field: string) => string | undefined;

/**
 * A react-hook-form form validated by a zod schema, whose `submitWith` runs the API call and puts a
 * problem's field errors next to the fields they name (the rest in `errors.root`). By default a
 * field error goes to the form field of the same name; `place` maps the names otherwise.
 */
export function useApiForm<T extends FieldValues>(schema: z.ZodType<T, T>, defaultValues: DefaultValues<T>) {
  const form = useForm<T>({ resolver: zodResolver(schema), defaultValues });
  const submitWith = (action: (values: T) => Promise<unknown>, place?: FieldPlacement) =>
    form.handleSubmit(async (values) => {
      try {
        await action(values);
      } catch (error) {
        showProblem(form as unknown as UseFormReturn<FieldValues>, error, place);
      }
    });
  return { ...form, submitWith };
}

export function showProblem(form: UseFormReturn<FieldValues>, error: unknown, place?: FieldPlacement) {
  if (error instanceof ApiProblem) {
    const known = Object.keys(form.getValues());
    const placeField = place ?? ((field: string) => (known.includes(field) ? field : undefined));
    const unplaced: string[] = [];
    for (const [field, messages] of Object.entries(error.fieldErrors)) {
      const path = placeField(field);
      if (path !== undefined) form.setError(path as Path<FieldValues>, { message: messages.join(" ") });
      else unplaced.push(...messages.map((m) => `${humanise(field)} ${m}`));
    }
    if (Object.keys(error.fieldErrors).length === 0 || unplaced.length > 0) {
      form.setError("root", { message: unplaced.length > 0 ? `${error.detail ?? error.title} ${unplaced.join(" ")}` : (error.detail ?? error.title) });
    }
    return;
  }
  form.setError("root", { message: problemMessage(error) });
}

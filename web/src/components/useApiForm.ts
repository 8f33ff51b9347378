import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { ApiProblem, humanise, problemMessage } from "../api/problems";

/**
 * A react-hook-form form validated by a zod schema, whose `submitWith` runs the API call and puts a
 * problem's field errors next to the fields they name (the rest in `errors.root`).
 */
export function useApiForm<T extends FieldValues>(schema: z.ZodType<T, T>, defaultValues: DefaultValues<T>) {
  const form = useForm<T>({ resolver: zodResolver(schema), defaultValues });
  const submitWith = (action: (values: T) => Promise<unknown>) =>
    form.handleSubmit(async (values) => {
      try {
        await action(values);
      } catch (error) {
        showProblem(form as unknown as UseFormReturn<FieldValues>, error);
      }
    });
  return { ...form, submitWith };
}

export function showProblem(form: UseFormReturn<FieldValues>, error: unknown) {
  if (error instanceof ApiProblem) {
    const known = Object.keys(form.getValues());
    const unplaced: string[] = [];
    for (const [field, messages] of Object.entries(error.fieldErrors)) {
      if (known.includes(field)) form.setError(field as Path<FieldValues>, { message: messages.join(" ") });
      else unplaced.push(...messages.map((m) => `${humanise(field)} ${m}`));
    }
    if (Object.keys(error.fieldErrors).length === 0 || unplaced.length > 0) {
      form.setError("root", { message: unplaced.length > 0 ? `${error.detail ?? error.title} ${unplaced.join(" ")}` : (error.detail ?? error.title) });
    }
    return;
  }
  form.setError("root", { message: problemMessage(error) });
}

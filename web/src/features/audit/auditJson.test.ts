import { describe, expect, it } from "vitest";
import { changedNames, flattenAudited } from "./auditJson";

describe("flattenAudited", () => {
  it("turns nested objects into dotted names and other values into their JSON text", () => {
    expect(
      flattenAudited('{"name":"Contoso","settings":{"timeZone":"Europe/Berlin","quiet":{"from":22}},"tags":["a","b"],"seats":5,"note":null,"empty":{}}'),
    ).toEqual({
      name: "Contoso",
      "settings.timeZone": "Europe/Berlin",
      "settings.quiet.from": "22",
      tags: '["a","b"]',
      seats: "5",
      note: null,
      empty: "{}",
    });
  });

  it("shows text that is not a JSON object as one value, and nothing as null", () => {
    expect(flattenAudited("not json {")).toEqual({ value: "not json {" });
    expect(flattenAudited('["a"]')).toEqual({ value: '["a"]' });
    expect(flattenAudited("")).toBeNull();
    expect(flattenAudited(null)).toBeNull();
  });
});

describe("changedNames", () => {
  it("lists names added, removed or changed, and treats absent as null", () => {
    expect(changedNames({ a: "1", b: "2", c: null }, { a: "1", b: "3", d: "4" })).toEqual([{ name: "b" }, { name: "d" }]);
    expect(changedNames(null, { a: "1" })).toEqual([{ name: "a" }]);
    expect(changedNames({ a: "1" }, { a: "1" })).toEqual([]);
  });
});

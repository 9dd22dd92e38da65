import { describe, expect, it } from "vitest";
import { summaryLine } from "../../../policies/offline/report";

describe("summaryLine", () => {
  it("counts in the plural", () => {
    expect(summaryLine(18, 117, 0, 2)).toBe("18 policies, 117 resources, 0 mandatory violations, 2 advisory violations");
  });
  it("counts one in the singular", () => {
    expect(summaryLine(1, 1, 1, 1)).toBe("1 policy, 1 resource, 1 mandatory violation, 1 advisory violation");
  });
});

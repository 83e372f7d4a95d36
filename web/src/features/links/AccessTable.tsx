/** Who opened a link: when, from which network, with which browser (newest first). */

import type { ReactNode } from "react";

import { formatDateTime } from "../../i18n/format";
import type { Access } from "./api";

export function AccessTable({ accesses, caption }: { accesses: readonly Access[]; caption: string }): ReactNode {
  return (
    <div className="table-wrap">
      <table className="table access-log">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Network</th>
            <th scope="col">Browser</th>
          </tr>
        </thead>
        <tbody>
          {accesses.map((a, i) => (
            <tr key={i}>
              <td>{formatDateTime(a.at)}</td>
              <td>{a.ip ?? "unknown"}</td>
              <td>{a.agent ?? "unknown"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

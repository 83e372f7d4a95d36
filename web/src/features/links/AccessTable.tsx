/** Who opened a link: when, from which network, with which browser (newest first). */

import type { ReactNode } from "react";

import { t } from "../../i18n";
import { formatDateTime } from "../../i18n/format";
import type { Access } from "./api";

export function AccessTable({ accesses, caption }: { accesses: readonly Access[]; caption: string }): ReactNode {
  return (
    <div className="table-wrap">
      <table className="table access-log">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("links.when")}</th>
            <th scope="col">{t("links.network")}</th>
            <th scope="col">{t("links.browser")}</th>
          </tr>
        </thead>
        <tbody>
          {accesses.map((a, i) => (
            <tr key={i}>
              <td>{formatDateTime(a.at)}</td>
              <td>{a.ip ?? t("links.unknown")}</td>
              <td>{a.agent ?? t("links.unknown")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

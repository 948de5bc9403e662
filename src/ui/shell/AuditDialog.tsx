import { useCallback, useEffect, useState } from 'react';
import { useVeil, useVeilShallow, type AuditQuery } from '../../store';
import { AuditLogView, type AuditFilter } from '../components/AuditLogView';
import { Dialog } from '../components/Dialog';
import './AuditDialog.css';

/** Local midnight of a `YYYY-MM-DD` day, in epoch ms; `days` later when asked. */
function localDay(day: string, days = 0): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + days).getTime();
}

/** The form's filter as a query: whole local days, the "to" day included. */
export function filterQuery(filter: AuditFilter, offset: number, limit: number): AuditQuery {
  return {
    ...(filter.from !== '' ? { from: localDay(filter.from) } : {}),
    ...(filter.to !== '' ? { to: localDay(filter.to, 1) } : {}),
    ...(filter.type !== '' ? { types: [filter.type] } : {}),
    ...(filter.operator !== '' ? { operator: filter.operator } : {}),
    offset,
    limit,
  };
}

/** The audit log, from the top bar's "Audit log" button. */
export function AuditDialog({ onClose }: { onClose: () => void }) {
  const { queryAudit, auditOperators, verifyAudit, exportAudit, stored } = useVeilShallow((s) => ({
    queryAudit: s.queryAudit,
    auditOperators: s.auditOperators,
    verifyAudit: s.verifyAudit,
    exportAudit: s.exportAudit,
    stored: s.auditTrail === 'stored',
  }));
  const verdict = useVeil((s) => s.auditVerdict);
  const [operators, setOperators] = useState<readonly string[]>([]);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    void auditOperators().then((names) => live && setOperators(names));
    return () => {
      live = false;
    };
  }, [auditOperators, version]);

  const loadPage = useCallback(
    (filter: AuditFilter, offset: number, limit: number) =>
      queryAudit(filterQuery(filter, offset, limit)),
    [queryAudit],
  );

  return (
    <Dialog title="Audit log" onClose={onClose} className="app-audit-dialog">
      <AuditLogView
        loadPage={loadPage}
        operators={operators}
        verdict={verdict}
        storedIn={stored ? 'browser' : 'tab'}
        version={version}
        onVerify={() => void verifyAudit()}
        onExport={(format) => void exportAudit(format).then(() => setVersion((v) => v + 1))}
      />
    </Dialog>
  );
}

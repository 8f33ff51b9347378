import { Link } from "react-router";
import { isEnabled, useFeatures } from "../shell/tenant";
import { useUnreadCount } from "./queries";

/** The header's bell: the caller's unread notifications in the tenant, linking to the inbox; absent where the feature is off. */
export function NotificationBell({ tenantId }: { tenantId: string }) {
  const features = useFeatures(tenantId);
  const enabled = isEnabled(features.data, "notifications");
  const unread = useUnreadCount(tenantId, enabled).data?.unread;
  if (!enabled) return null;
  return (
    <Link
      to={`/t/${tenantId}/notifications`}
      className="relative inline-flex items-center rounded-md px-2 py-1.5 text-ink hover:bg-raised"
      aria-label={unread === undefined ? "Notifications" : unread > 0 ? `Notifications, ${unread.toLocaleString()} unread` : "Notifications, none unread"}
    >
      <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" strokeLinecap="round" strokeLinejoin="round" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" strokeLinecap="round" />
      </svg>
      {unread !== undefined && unread > 0 && (
        <span
          data-testid="unread-count"
          aria-hidden="true"
          className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-danger px-1 text-center text-[10px] leading-4 font-semibold text-white dark:text-surface"
        >
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}

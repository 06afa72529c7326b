-- Issue 28, point 4: every transcript export is an audit entry (one conversation: target the conversation; a class's
-- zip: target the school, the class in the details).
alter table audit_events drop constraint audit_events_action_check;
alter table audit_events add constraint audit_events_action_check check (action in (
  'student.created', 'student.disabled', 'student.enabled', 'conversation.closed', 'conversation.reopened',
  'user.signed_out_everywhere', 'student.updated', 'student.link_issued', 'staff.created', 'staff.updated',
  'staff.disabled', 'staff.enabled', 'staff.link_issued', 'user.password_set', 'user.password_changed',
  'roster.imported', 'apitoken.created', 'apitoken.revoked', 'conversation.assigned', 'conversation.unassigned',
  'saved_reply.created', 'saved_reply.updated', 'saved_reply.deleted', 'settings.notifications_changed',
  'user.digests_changed', 'announcement.sent', 'announcement.nudged', 'transcript.exported'));

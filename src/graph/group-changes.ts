/**
 * Told of every write to a group (whatever its outcome: a write that timed out may still have
 * been applied) before the write's caller goes on: drops what was read of the group (this
 * request's loaders, the group cache on every replica) and keeps what the write's answer tells.
 */
export interface GroupChangeListener {
  changed(groupId: string, known?: { inviteLink?: string }): Promise<void>;
}

/** Runs a write to a group, then tells `listener` about it, before returning or throwing. */
export async function writingTo<T>(listener: GroupChangeListener | undefined, groupId: string, write: () => Promise<T>, known?: (answer: T) => { inviteLink?: string }): Promise<T> {
  let answer: T;
  try {
    answer = await write();
  } catch (error) {
    await listener?.changed(groupId);
    throw error;
  }
  await listener?.changed(groupId, known?.(answer));
  return answer;
}

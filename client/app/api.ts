/** GET of the read API on this origin; a `?token=` of the page goes along as the viewer token. */
export async function apiGet<T>(path: string, search: string = window.location.search): Promise<T> {
  const token = new URLSearchParams(search).get('token');
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    let detail = `${res.status}`;
    try {
      const body = (await res.json()) as { code?: string; message?: string };
      detail = `${body.code ?? res.status}: ${body.message ?? ''}`;
    } catch {
      // not our error shape: the status says enough
    }
    throw new Error(`GET ${path.split('?')[0]} failed (${detail})`);
  }
  return (await res.json()) as T;
}

import type { CDPSession } from 'playwright-core';

/** A composited layer of the page: what headless Chromium's software compositor draws in full on every frame. */
export interface Layer {
  width: number;
  height: number;
  /** Whether it has content of its own to draw (a layer that only groups others draws nothing). */
  draws: boolean;
  /** The element it belongs to, as `tag.class` (`#document` for the page's root); '' when CDP does not say. */
  element: string;
  reasons: string[];
}

interface CdpLayer {
  layerId: string;
  width: number;
  height: number;
  drawsContent: boolean;
  backendNodeId?: number;
}

/**
 * The page's composited layers, read once from the LayerTree domain (enabled for a moment:
 * it reports every change while on). A layer the size of the screen that draws content costs
 * its whole area on every frame without a GPU, whatever changed in it.
 */
export async function compositedLayers(cdp: CDPSession): Promise<Layer[]> {
  await cdp.send('DOM.enable');
  await cdp.send('DOM.getDocument', { depth: -1 });
  let onTree = (_: { layers?: CdpLayer[] }): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  const tree = new Promise<CdpLayer[]>((resolve) => {
    onTree = (e) => e.layers && resolve(e.layers);
    timer = setTimeout(() => resolve([]), 5000); // no frame in 5 s: say nothing rather than hang
  });
  cdp.on('LayerTree.layerTreeDidChange', onTree);
  await cdp.send('LayerTree.enable');
  const layers = await tree;
  clearTimeout(timer);
  cdp.off('LayerTree.layerTreeDidChange', onTree);
  const out: Layer[] = [];
  for (const l of layers) {
    if (l.width * l.height === 0) continue;
    let element = '';
    if (l.backendNodeId !== undefined) {
      const d = (await cdp.send('DOM.describeNode', { backendNodeId: l.backendNodeId }).catch(() => null)) as {
        node: { nodeName: string; attributes?: string[] };
      } | null;
      if (d !== null) {
        const attrs = d.node.attributes ?? [];
        const cls = attrs.indexOf('class');
        element = d.node.nodeName.toLowerCase() + (cls >= 0 ? `.${attrs[cls + 1]!.split(/\s+/).join('.')}` : '');
      }
    }
    const r = (await cdp.send('LayerTree.compositingReasons', { layerId: l.layerId }).catch(() => ({}))) as {
      compositingReasonIds?: string[];
    };
    out.push({
      width: l.width,
      height: l.height,
      draws: l.drawsContent,
      element,
      reasons: r.compositingReasonIds ?? [],
    });
  }
  await cdp.send('LayerTree.disable');
  await cdp.send('DOM.disable');
  return out;
}

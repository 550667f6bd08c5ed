import { useEffect } from 'react';
import { MANIFEST_URL } from './webPush.js';

/**
 * Links /exec's web app manifest while the screen is shown, so the browser offers to install it
 * (start_url /exec, standalone). The wall and the other screens share the page and are not apps.
 */
export function useExecManifest(): void {
  useEffect(() => {
    const link = document.createElement('link');
    link.rel = 'manifest';
    link.href = MANIFEST_URL;
    link.dataset.testid = 'exec-manifest';
    const theme = document.createElement('meta');
    theme.name = 'theme-color';
    theme.content = '#0b1020';
    document.head.append(link, theme);
    return () => {
      link.remove();
      theme.remove();
    };
  }, []);
}

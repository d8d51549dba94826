export {
  loadDashboardAssets,
  type DashboardAsset,
  type DashboardAssets,
} from './dashboard-assets.js';

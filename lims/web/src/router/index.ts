// One route per page, each its own lazily loaded chunk; `roles` says who may open it (the
// API checks again). Not logged in: to /login, then back.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { session, type Role } from '../auth/session'

declare module 'vue-router' {
  interface RouteMeta {
    roles?: Role[]
    public?: boolean
    titleKey?: string
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { public: true, titleKey: 'login.title' } },
  {
    path: '/',
    component: () => import('../layout/AppLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('../views/HomeView.vue'), meta: { titleKey: 'home.title' } },
      {
        path: 'sampler/tasks',
        name: 'tasks',
        component: () => import('../views/sampler/TasksView.vue'),
        meta: { roles: ['sampler', 'planner'], titleKey: 'tasks.title' },
      },
      {
        path: 'planner/plans',
        name: 'plans',
        component: () => import('../views/planner/PlansView.vue'),
        meta: { roles: ['planner'], titleKey: 'plans.title' },
      },
      {
        path: 'planner/plans/:code',
        name: 'plan',
        component: () => import('../views/planner/PlanView.vue'),
        meta: { roles: ['planner', 'bureau_viewer', 'administrator'], titleKey: 'plans.title' },
        props: true,
      },
      {
        path: 'sampler/register',
        name: 'register',
        component: () => import('../views/sampler/RegisterView.vue'),
        meta: { roles: ['sampler'], titleKey: 'register.title' },
      },
      {
        path: 'sampler/shipments',
        name: 'shipments',
        component: () => import('../views/sampler/ShipmentsView.vue'),
        meta: { roles: ['sampler'], titleKey: 'shipments.title' },
      },
      {
        path: 'labels',
        name: 'labels',
        component: () => import('../views/sampler/LabelsView.vue'),
        meta: { roles: ['sampler', 'receiver'], titleKey: 'labels.title' },
      },
      {
        path: 'receiver/samples',
        name: 'receipt',
        component: () => import('../views/receiver/ReceiptView.vue'),
        meta: { roles: ['receiver'], titleKey: 'receipt.title' },
      },
      {
        path: 'analyst/worklist',
        name: 'worklist',
        component: () => import('../views/analyst/WorklistView.vue'),
        meta: { roles: ['analyst', 'reviewer', 'signatory'], titleKey: 'worklist.title' },
      },
      {
        path: 'signatory/reports',
        name: 'reports',
        component: () => import('../views/signatory/ReportView.vue'),
        meta: { roles: ['signatory'], titleKey: 'reports.title' },
      },
      {
        path: 'reinspection',
        name: 'reinspection',
        component: () => import('../views/reinspection/ReinspectionView.vue'),
        meta: { roles: ['receiver', 'planner', 'analyst', 'reviewer', 'signatory', 'enforcement_officer', 'bureau_viewer', 'administrator'], titleKey: 'reinspection.title' },
      },
      {
        path: 'bureau/notices',
        name: 'notices',
        component: () => import('../views/bureau/NoticesView.vue'),
        meta: { roles: ['bureau_viewer', 'enforcement_officer', 'planner', 'administrator', 'signatory'], titleKey: 'notices.title' },
      },
      {
        path: 'bureau/publication',
        name: 'publication',
        component: () => import('../views/bureau/PublicationView.vue'),
        meta: { roles: ['planner', 'bureau_viewer', 'enforcement_officer', 'administrator'], titleKey: 'publication.title' },
      },
      {
        path: 'enforcement/leads',
        name: 'leads',
        component: () => import('../views/enforcement/LeadBoardView.vue'),
        meta: { roles: ['enforcement_officer', 'administrator'], titleKey: 'leads.title' },
      },
      {
        path: 'enforcement/leads/:number',
        name: 'lead',
        component: () => import('../views/enforcement/LeadView.vue'),
        meta: { roles: ['enforcement_officer', 'administrator'], titleKey: 'leads.title' },
        props: true,
      },
      {
        path: 'coldchain',
        name: 'coldchain',
        component: () => import('../views/coldchain/ColdChainView.vue'),
        meta: { roles: ['receiver', 'bureau_viewer', 'enforcement_officer', 'administrator'], titleKey: 'coldchain.title' },
      },
      {
        path: 'statistics',
        name: 'statistics',
        component: () => import('../views/statistics/StatisticsView.vue'),
        meta: { roles: ['planner', 'signatory', 'enforcement_officer', 'bureau_viewer', 'administrator'], titleKey: 'statistics.title' },
      },
      {
        path: 'analyst/quarantine',
        name: 'quarantine',
        component: () => import('../views/analyst/QuarantineView.vue'),
        meta: { roles: ['analyst', 'reviewer'], titleKey: 'quarantine.title' },
      },
      {
        path: 'admin/users',
        name: 'admin-users',
        component: () => import('../views/admin/UsersView.vue'),
        meta: { roles: ['administrator'], titleKey: 'admin.users.title' },
      },
      {
        path: 'admin/organisations',
        name: 'admin-orgs',
        component: () => import('../views/admin/OrganisationsView.vue'),
        meta: { roles: ['administrator'], titleKey: 'admin.orgs.title' },
      },
      {
        path: 'admin/devices',
        name: 'admin-devices',
        component: () => import('../views/admin/InstrumentsView.vue'),
        meta: { roles: ['administrator'], titleKey: 'admin.devices.title' },
      },
      {
        path: 'admin/catalogue',
        name: 'admin-catalogue',
        component: () => import('../views/admin/CatalogueView.vue'),
        meta: { roles: ['administrator'], titleKey: 'admin.catalogue.title' },
      },
      {
        path: 'admin/calendar',
        name: 'admin-calendar',
        component: () => import('../views/admin/CalendarView.vue'),
        meta: { roles: ['administrator'], titleKey: 'admin.calendar.title' },
      },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { titleKey: 'app.notFound' } },
    ],
  },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (to.meta.public) return true
  if (!session.token || !session.user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  if (to.meta.roles && !session.hasRole(...to.meta.roles)) return { name: 'home' }
  return true
})

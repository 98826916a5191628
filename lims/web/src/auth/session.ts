// Who is logged in: the bearer token and the user, kept in memory and in sessionStorage
// (so a reload keeps the session, a closed tab ends it). Never a cookie: the API trusts
// only the Authorization header, so there is no CSRF surface.
import { computed, reactive } from 'vue'

export type Role =
  | 'planner'
  | 'sampler'
  | 'receiver'
  | 'analyst'
  | 'reviewer'
  | 'signatory'
  | 'enforcement_officer'
  | 'bureau_viewer'
  | 'administrator'

export interface User {
  id: number
  username: string
  display_name: string
  organisation_id: number
  organisation_code: string
  roles: Role[]
}

const TOKEN_KEY = 'lims.token'
const USER_KEY = 'lims.user'

function stored<T>(key: string): T | null {
  try {
    const text = sessionStorage.getItem(key)
    return text ? (JSON.parse(text) as T) : null
  } catch {
    return null
  }
}

const state = reactive<{ token: string | null; user: User | null }>({
  token: stored<string>(TOKEN_KEY),
  user: stored<User>(USER_KEY),
})

export const session = {
  get token(): string | null {
    return state.token
  },
  get user(): User | null {
    return state.user
  },
  signIn(token: string, user: User) {
    state.token = token
    state.user = user
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify(token))
    sessionStorage.setItem(USER_KEY, JSON.stringify(user))
  },
  signOut() {
    state.token = null
    state.user = null
    sessionStorage.removeItem(TOKEN_KEY)
    sessionStorage.removeItem(USER_KEY)
  },
  hasRole(...roles: Role[]): boolean {
    return !!state.user && roles.some((r) => state.user!.roles.includes(r))
  },
}

export const signedIn = computed(() => state.token !== null && state.user !== null)
export const currentUser = computed(() => state.user)

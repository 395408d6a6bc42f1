export { NotificationService } from './notification-service';
export type { NewNotification, NotificationPage, NotificationSeverity } from './notification-service';
export { NotificationsModule } from './notifications.module';
